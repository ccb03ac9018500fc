"""The badge emails: awards, claim decisions, invitations, expiry reminders.

Each is sent once (``core.emails.send_once``, keyed by what it is about) from
a task running in the employer's schema, with links on the employer's site.
"""

from django.conf import settings
from django.utils import timezone

from badges import artefacts, documents, services
from badges.models import Award
from core.emails import render_email, send_once
from employers.models import current_employer


def base_context(employer):
    return {
        "programme_name": settings.PROGRAMME_NAME,
        "employer": employer,
        "site_url": employer.site_url,
    }


def send_award_email(award):
    """Email the holder their badge: baked PNG, PDF certificate and links."""
    employer = current_employer()

    def build():
        context = {
            **base_context(employer),
            "award": award,
            "badge": award.badge,
            "verify_url": documents.assertion_id(award),
            "linkedin_url": artefacts.linkedin_url(award),
        }
        message = render_email(
            "badges/emails/award", context, to=[award.recipient_email]
        )
        message.attach(
            artefacts.filename(award, "png"), artefacts.baked_png(award), "image/png"
        )
        message.attach(
            artefacts.filename(award, "pdf"),
            artefacts.certificate_pdf(award),
            "application/pdf",
        )
        return message

    return send_once(f"award:{award.pk}", build)


def send_claim_decision_email(claim):
    """Tell a claimant their claim was declined (approval sends the award)."""
    employer = current_employer()

    def build():
        context = {**base_context(employer), "claim": claim, "badge": claim.badge}
        return render_email(
            "badges/emails/claim_declined", context, to=[claim.claimant.email]
        )

    return send_once(f"claim-decision:{claim.pk}", build)


def send_invitation_email(invitation):
    employer = current_employer()

    def build():
        token = services.invitation_token(invitation)
        context = {
            **base_context(employer),
            "invitation": invitation,
            "accept_url": employer.url_for("badges:accept_invitation", token=token),
        }
        return render_email("badges/emails/invitation", context, to=[invitation.email])

    return send_once(f"invitation:{invitation.pk}", build)


def send_expiry_reminder(award):
    """Remind a holder that their badge expires soon, once per award."""
    employer = current_employer()

    def build():
        context = {
            **base_context(employer),
            "award": award,
            "badge": award.badge,
            "verify_url": documents.assertion_id(award),
        }
        return render_email(
            "badges/emails/expiry_reminder", context, to=[award.recipient_email]
        )

    sent = send_once(f"expiry-reminder:{award.pk}", build)
    Award.objects.filter(pk=award.pk).update(expiry_reminder_sent_at=timezone.now())
    return sent
