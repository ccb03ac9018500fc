"""The portal's Celery application.

Tasks are defined in each app's ``tasks.py`` and take the tenant's schema name
as their first argument (see ``core.tasks.tenant_task``), so a worker never
depends on whatever schema a connection happened to be left in.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
