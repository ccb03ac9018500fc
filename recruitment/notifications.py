"""The recruitment emails: the acknowledgement an applicant receives."""

from django.conf import settings

from core.emails import render_email, send_once
from employers.models import current_employer


def send_application_received(application):
    """Tell the applicant their application arrived, with their status page."""
    employer = current_employer()

    def build():
        context = {
            "programme_name": settings.PROGRAMME_NAME,
            "employer": employer,
            "application": application,
            "advert": application.advert,
            "status_url": employer.url_for(
                "recruitment:application_status", entity_id=application.entity_id
            ),
        }
        return render_email(
            "recruitment/emails/application_received",
            context,
            to=[application.email],
        )

    return send_once(f"application-received:{application.pk}", build)
