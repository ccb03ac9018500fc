"""The recruitment emails an applicant receives: the acknowledgement of an
application, and word when it is shortlisted or not taken forward."""

from django.conf import settings
from django.urls import reverse

from core.emails import render_email, send_once
from employers.models import current_employer


def applicant_context(application):
    employer = current_employer()
    return {
        "programme_name": settings.PROGRAMME_NAME,
        "employer": employer,
        "application": application,
        "advert": application.advert,
        "status_url": employer.url_for(
            "recruitment:application_status", entity_id=application.entity_id
        ),
        "job_board_url": settings.PORTAL_URL
        + reverse("jobboard:board", urlconf=settings.PUBLIC_SCHEMA_URLCONF),
    }


def send_application_received(application):
    """Tell the applicant their application arrived, with their status page."""

    def build():
        return render_email(
            "recruitment/emails/application_received",
            applicant_context(application),
            to=[application.email],
        )

    return send_once(received_email_key(application.pk), build)


def received_email_key(application_id):
    return f"application-received:{application_id}"


def send_application_status(application):
    """Tell the applicant the employer shortlisted or did not take them on."""

    def build():
        return render_email(
            f"recruitment/emails/application_{application.status}",
            applicant_context(application),
            to=[application.email],
        )

    return send_once(status_email_key(application), build)


def status_email_key(application):
    """Name one status change's email in the ledger: each change sends one."""
    changed_at = application.status_changed_at.isoformat()
    return f"application-status:{application.pk}:{application.status}:{changed_at}"
