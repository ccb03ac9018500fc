"""Settings for running the portal on a developer's machine."""

import os

# Not secret: encrypts the signing keys of local employers only.
os.environ.setdefault(
    "BADGE_KEY_ENCRYPTION_KEY", "QbjSXgXR47MKhI4KXeJDRdNvpJoGsO7RKlDA16FC8dI="
)
os.environ.setdefault("DJANGO_SECRET_KEY", "local-development-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")
# Messages go to the mail catcher started by ``python3 portal.py run``, which
# saves each one as an .eml file under var/mail/.
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:1025")
# The portal's own badges live at *.localhost here: let the verifier reach
# them, so a demo badge presented to a demo advert verifies.
os.environ.setdefault("BADGE_FETCH_ALLOW_LOOPBACK", "true")

from config.settings.base import *  # noqa: E402, F403

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Serve static files straight from static/, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
