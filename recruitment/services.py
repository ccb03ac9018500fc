"""Adverts, the badges they accept, applications and verifying badges.

Every function runs in the current employer's schema (a request to its
site, or a task given its schema). Changes to an open advert update the
public job board's index in the same transaction; emails and verifications
are queued after commit.
"""

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from badges import documents
from core.tasks import queue_after_commit
from employers.models import current_employer
from jobboard import services as jobboard
from recruitment import verification
from recruitment.models import AcceptedBadge, Advert, Application, PresentedBadge

logger = logging.getLogger(__name__)

MAX_PRESENTED_BADGES = 10


def refresh_listing(advert):
    """Put an open advert on the job board, or take any other off it."""
    if advert.is_open:
        jobboard.index_advert(current_employer(), advert)
    else:
        jobboard.remove_advert(current_employer(), advert)


# --- Adverts -------------------------------------------------------------------


def create_advert(*, data):
    """Write a new advert as a draft."""
    advert = Advert.objects.create(**data)
    logger.info("advert=%s created", advert.entity_id)
    return advert


def update_advert(advert, *, data):
    with transaction.atomic():
        for name, value in data.items():
            setattr(advert, name, value)
        advert.save()
        refresh_listing(advert)
    return advert


def open_advert(advert):
    """Publish an advert: its page opens and it joins the job board."""
    if advert.closes_on < timezone.localdate():
        raise ValidationError("The closing date has passed: change it first.")
    with transaction.atomic():
        advert.status = Advert.Status.OPEN
        advert.save(update_fields=["status"])
        refresh_listing(advert)
    logger.info("advert=%s opened", advert.entity_id)


def close_advert(advert):
    """Stop taking applications and take the advert off the job board."""
    with transaction.atomic():
        advert.status = Advert.Status.CLOSED
        advert.save(update_fields=["status"])
        refresh_listing(advert)
    logger.info("advert=%s closed", advert.entity_id)


def accept_badge(advert, *, kind, required, badge=None, entry=None, url="", name=""):
    """Add a badge the advert accepts: own, from the catalogue, or external.

    ``badge`` is one of the employer's BadgeClasses, ``entry`` a
    jobboard.RecognisedBadge; external badges give their URL and a name.
    """
    accepted = AcceptedBadge(advert=advert, kind=kind, required=required)
    if kind == AcceptedBadge.Kind.OWN:
        accepted.badge, accepted.name, accepted.skills = badge, badge.name, badge.tags
    elif kind == AcceptedBadge.Kind.CATALOGUE:
        accepted.entry, accepted.name = entry, entry.name
        accepted.skills = list(entry.skills)
        accepted.url = entry.badge_class_url or entry.issuer_url
        if not entry.badge_class_url:
            accepted.kind = AcceptedBadge.Kind.EXTERNAL_ISSUER
    else:
        accepted.url, accepted.name = url, name or url

    with transaction.atomic():
        accepted.save()
        refresh_listing(advert)
    return accepted


def remove_accepted_badge(accepted):
    with transaction.atomic():
        accepted.delete()
        refresh_listing(accepted.advert)


# --- Applications --------------------------------------------------------------


def submit_application(
    *, advert, name, email, message, presented, recipient_id="", email_confirmed=False
):
    """Record an application and queue its acknowledgement and verifications.

    ``presented`` is a list of dicts of PresentedBadge fields (kind and one
    of url, file or text), already checked by the application form.
    ``email_confirmed`` says the applicant signed in with ``email``.
    """
    from recruitment.tasks import send_application_received, verify_presented_badge

    if not advert.accepts_applications():
        raise ValidationError("This advert is closed to applications.")
    if len(presented) > MAX_PRESENTED_BADGES:
        raise ValidationError(f"Present at most {MAX_PRESENTED_BADGES} badges.")

    with transaction.atomic():
        application = Application.objects.create(
            advert=advert,
            name=name,
            email=email,
            email_confirmed=email_confirmed,
            message=message,
            recipient_id=recipient_id,
        )
        badges = [
            PresentedBadge.objects.create(application=application, **fields)
            for fields in presented
        ]
        queue_after_commit(send_application_received, application.pk)
        for badge in badges:
            queue_after_commit(verify_presented_badge, badge.pk)
    logger.info(
        "application=%s to advert=%s with %s badges",
        application.pk,
        advert.entity_id,
        len(badges),
    )
    return application


def record_verification(presented):
    """Verify a presented badge for its applicant and store the verdict.

    A bad badge is a verdict, not an error: nothing here raises for it.
    """
    verdict = verification.check(presented, presented.application)

    presented.format = verification.format_found(verdict)[:40]
    presented.openbadges_version = verdict.openbadges_version or ""
    presented.issuer_id = str(verdict.issuer_id or "")[:500]
    presented.issuer_name = str(verdict.issuer_name or "")[:300]
    presented.badge_class_id = str(
        verdict.badge_class_id or verdict.achievement_id or ""
    )[:500]
    presented.badge_name = str(verdict.badge_name or "")[:300]
    presented.result = verdict.status
    presented.reason = verdict.reason
    presented.recipient_matches = verdict.recipient_matches
    presented.checked_at = timezone.now()
    presented.status = PresentedBadge.Status.DONE
    presented.save()
    logger.info("presented badge=%s verified: %s", presented.pk, verdict.status)
    return presented


def record_failed_check(presented_id):
    """Close a check that failed on the portal's side, so it can be run again.

    The failure itself is recorded for the programme team (TaskFailure).
    """
    updated = PresentedBadge.objects.filter(
        pk=presented_id, status=PresentedBadge.Status.PENDING
    ).update(
        status=PresentedBadge.Status.DONE,
        result="unverifiable",
        reason="The check failed on the portal's side; the employer can run it again.",
        recipient_matches=None,
        checked_at=timezone.now(),
    )
    if updated:
        logger.warning("presented badge=%s check failed for good", presented_id)


def rerun_verification(presented):
    """Check a presented badge again (its issuer was down, say)."""
    from recruitment.tasks import verify_presented_badge

    with transaction.atomic():
        PresentedBadge.objects.filter(pk=presented.pk).update(
            status=PresentedBadge.Status.PENDING
        )
        queue_after_commit(verify_presented_badge, presented.pk)


def set_application_status(application, status):
    """Shortlist or reject an application, and tell the applicant by email.

    The applicant's page shows the new status at once; the email follows
    after commit. Setting the status it already has changes nothing.
    """
    from recruitment.tasks import send_application_status

    if status not in (Application.Status.SHORTLISTED, Application.Status.REJECTED):
        raise ValidationError("Choose shortlist or reject.")

    with transaction.atomic():
        # Locked and read again: of two changes at once, the second sees the
        # first, and each email names the change that sent it.
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.status == status:
            return
        application.status = status
        application.status_changed_at = timezone.now()
        application.save(update_fields=["status", "status_changed_at"])
        queue_after_commit(
            send_application_status,
            application.pk,
            status,
            application.status_changed_at.isoformat(),
        )
    logger.info("application=%s now %s", application.pk, status)


# --- Matching -------------------------------------------------------------------


def accepted_url(accepted):
    """Return the BadgeClass or issuer id an accepted badge is matched on."""
    if accepted.kind == AcceptedBadge.Kind.OWN:
        return documents.badge_class_id(accepted.badge)
    if entry := accepted.catalogue_entry:
        return entry.badge_class_url or entry.issuer_url
    return accepted.url


def same_id(found, wanted):
    """Compare two Open Badges ids, ignoring a trailing slash and the case of
    the scheme and host (which URLs ignore too)."""
    return bool(found) and bool(wanted) and normal_id(found) == normal_id(wanted)


DEFAULT_PORTS = {"http": 80, "https": 443}


def normal_id(value):
    """Return an id as URLs compare: scheme and host in lower case, no
    default port, no trailing slash."""
    value = value.strip().rstrip("/")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return value
    if not parts.hostname:
        return value
    scheme = parts.scheme.lower()
    netloc = parts.hostname
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    return parts._replace(scheme=scheme, netloc=netloc).geturl()


def host_of(url):
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def issuer_host(issuer_id):
    """Return the host an issuer id lives on (a did:web names one too)."""
    if issuer_id.startswith("did:web:"):
        return issuer_id.removeprefix("did:web:").split(":")[0].lower()
    return host_of(issuer_id)


def issued_by_its_owner(presented, wanted):
    """Tell whether the badge's issuer is the one that publishes ``wanted``.

    A 2.0 badge was fetched from its BadgeClass URL and checked against its
    issuer by the verifier. A 3.0 credential only names its achievement's id:
    anyone may sign one naming any id, so it counts only when its issuer
    lives on the same host as the badge it names.
    """
    if presented.openbadges_version != "3.0":
        return True
    return bool(host_of(wanted)) and issuer_host(presented.issuer_id) == host_of(wanted)


def holds(presented_badges, accepted):
    """Tell whether any verified presented badge is the accepted one."""
    wanted = accepted_url(accepted)
    issuer = issuer_required(accepted)
    for presented in presented_badges:
        if not presented.is_verified:
            continue
        if accepted.matches_issuer:
            found = same_id(presented.issuer_id, wanted)
        elif not same_id(presented.badge_class_id, wanted):
            found = False
        elif issuer:
            found = same_id(presented.issuer_id, issuer)
        else:
            found = issued_by_its_owner(presented, wanted)
        if found:
            return True
    return False


def issuer_required(accepted):
    """Return the one issuer whose copies of an accepted badge count, if known.

    The employer itself for its own badges; the issuer a catalogue entry
    names (on a platform shared by many issuers, the BadgeClass URL alone
    says too little).
    """
    if accepted.kind == AcceptedBadge.Kind.OWN:
        return documents.issuer_id()
    if (entry := accepted.catalogue_entry) and entry.issuer_url:
        return entry.issuer_url
    return None


@dataclass
class Match:
    """Which accepted badges an application's verified badges cover."""

    required_met: list = field(default_factory=list)
    required_missing: list = field(default_factory=list)
    desirable_met: list = field(default_factory=list)
    # Some presented badge is still being checked: "missing" may change.
    checking: bool = False

    @property
    def meets_required(self):
        return not self.required_missing

    @property
    def desirable_count(self):
        return len(self.desirable_met)


def match(application, accepted_badges):
    """Match an application's verified badges against an advert's accepted ones."""
    presented = list(application.badges.all())
    result = Match(
        checking=any(
            badge.status == PresentedBadge.Status.PENDING for badge in presented
        )
    )
    for accepted in accepted_badges:
        held = holds(presented, accepted)
        if accepted.required:
            (result.required_met if held else result.required_missing).append(accepted)
        elif held:
            result.desirable_met.append(accepted)
    return result
