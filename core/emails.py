"""Building and sending the portal's emails.

Every email is a trio of templates: ``<name>_subject.txt``, ``<name>.txt``
and ``<name>.html``.
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.models import SentEmail

logger = logging.getLogger(__name__)


def render_email(template_name, context, to):
    """Return a plain-text and HTML message rendered from a template trio."""
    subject = render_to_string(f"{template_name}_subject.txt", context)
    subject = " ".join(subject.split())
    body = render_to_string(f"{template_name}.txt", context)
    html = render_to_string(f"{template_name}.html", context)

    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    message.attach_alternative(html, "text/html")
    return message


def send_once(key, build_message):
    """Send the message ``build_message()`` returns, unless ``key`` has gone.

    The ledger row is locked until the SMTP server has accepted the message,
    so a second delivery of the same task waits and then sends nothing. An
    SMTP error rolls the row back and propagates, for the task to retry.
    Return True when this call sent the message.
    """
    with transaction.atomic():
        entry, _ = SentEmail.objects.select_for_update().get_or_create(key=key)
        if entry.sent_at:
            logger.info("email key=%s already sent at %s", key, entry.sent_at)
            return False

        message = build_message()
        message.send()

        entry.to = ",".join(message.to)[:254]
        entry.subject = message.subject[:255]
        entry.sent_at = timezone.now()
        entry.save(update_fields=["to", "subject", "sent_at"])

    logger.info("email key=%s sent to=%s", key, entry.to)
    return True
