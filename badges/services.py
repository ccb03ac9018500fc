"""Defining badges, claiming them, deciding claims, awarding and revoking.

Every function here runs in the current employer's schema (a request to its
site, or a task given its schema) and queues its emails after commit.
"""

import csv
import io
import logging

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from badges.images import default_design
from badges.models import (
    Award,
    BadgeClass,
    BulkAward,
    Claim,
    ClaimEvent,
    Invitation,
)
from core.tasks import queue_after_commit
from employers import roles
from employers.models import current_employer

logger = logging.getLogger(__name__)

INVITATION_SALT = "badges.invitation"
INVITATION_DAYS = 14
BULK_MAX_ROWS = 5000
BULK_BATCH = 100


# --- Badge definitions -----------------------------------------------------


def create_badge(*, created_by, data, image=None):
    """Define a new badge; without an image it gets a default design.

    ``image`` is a file already checked by ``badges.images.clean_badge_image``
    (the badge form does it).
    """
    badge = BadgeClass(created_by=created_by, **data)
    content = image or default_design(badge.name)
    badge.image.save(content.name, content, save=False)
    badge.save()
    logger.info("badge=%s defined by user=%s", badge.pk, created_by.pk)
    return badge


def update_badge(badge, *, data, image=None):
    for field, value in data.items():
        setattr(badge, field, value)
    if image:
        badge.image.save(image.name, image, save=False)
    badge.save()
    return badge


def archive_badge(badge):
    """Stop a badge being claimed or awarded; badges already awarded stay valid."""
    BadgeClass.objects.filter(pk=badge.pk, archived_at__isnull=True).update(
        archived_at=timezone.now()
    )


# --- Claims -------------------------------------------------------------------


def submit_claim(*, badge, claimant, narrative="", evidence_url="", evidence_file=None):
    """Ask for a badge, with evidence, for a manager to decide."""
    if badge.is_archived or not badge.staff_can_claim:
        raise ValidationError("This badge cannot be claimed.")
    if badge.evidence_required and not (narrative or evidence_url or evidence_file):
        raise ValidationError(
            "This badge needs evidence: describe what you did, or add a link or a file."
        )

    with transaction.atomic():
        claim = Claim.objects.create(
            badge=badge,
            claimant=claimant,
            narrative=narrative,
            evidence_url=evidence_url,
            evidence_file=evidence_file or "",
        )
        ClaimEvent.objects.create(
            claim=claim, kind=ClaimEvent.Kind.CLAIMED, actor=claimant
        )
    logger.info("claim=%s for badge=%s by user=%s", claim.pk, badge.pk, claimant.pk)
    return claim


def decide_claim(claim, *, reviewer, approve, comment=""):
    """Approve (and award) or decline a pending claim, and tell the claimant."""
    from badges.tasks import send_claim_decision_email

    if reviewer.pk == claim.claimant_id:
        raise PermissionDenied("Nobody can decide their own claim.")
    if not roles.can_manage(reviewer, current_employer()):
        raise PermissionDenied("Only managers decide claims.")

    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update().select_related("badge").get(pk=claim.pk)
        )
        if not claim.is_pending:
            raise ValidationError("This claim has already been decided.")

        claim.status = Claim.Status.APPROVED if approve else Claim.Status.DECLINED
        claim.decided_by = reviewer
        claim.decided_at = timezone.now()
        claim.decision_comment = comment
        claim.save()
        ClaimEvent.objects.create(
            claim=claim,
            kind=ClaimEvent.Kind.APPROVED if approve else ClaimEvent.Kind.DECLINED,
            actor=reviewer,
            comment=comment,
        )
        if approve:
            award_badge(
                badge=claim.badge,
                recipient_name=claim.claimant.get_full_name(),
                recipient_email=claim.claimant.email,
                recipient=claim.claimant,
                awarded_by=reviewer,
                evidence_narrative=claim.narrative,
                evidence_url=claim.evidence_url,
                claim=claim,
            )
        else:
            queue_after_commit(send_claim_decision_email, claim.pk)

    logger.info("claim=%s %s by user=%s", claim.pk, claim.status, reviewer.pk)
    return claim


# --- Awards -------------------------------------------------------------------


def award_badge(
    *,
    badge,
    recipient_name,
    recipient_email,
    awarded_by,
    recipient=None,
    evidence_narrative="",
    evidence_url="",
    claim=None,
):
    """Give a badge to one person and email them their badge."""
    from badges.tasks import send_award_email

    if badge.is_archived:
        raise ValidationError("This badge is archived and can no longer be awarded.")

    with transaction.atomic():
        award = Award.objects.create(
            badge=badge,
            recipient_name=recipient_name,
            recipient_email=recipient_email.strip().lower(),
            recipient=recipient,
            awarded_by=awarded_by,
            evidence_narrative=evidence_narrative,
            evidence_url=evidence_url,
            claim=claim,
        )
        queue_after_commit(send_award_email, award.pk)
    logger.info("award=%s of badge=%s by user=%s", award.pk, badge.pk, awarded_by.pk)
    return award


def revoke_award(award, *, revoked_by, reason):
    """Revoke an award: its assertion answers 410 and the list names it."""
    if not reason.strip():
        raise ValidationError("Give a reason: it is published with the revocation.")
    updated = Award.objects.filter(pk=award.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=revoked_by, revocation_reason=reason
    )
    logger.info(
        "award=%s revoked=%s by user=%s", award.pk, bool(updated), revoked_by.pk
    )


# --- Bulk awards from a CSV ---------------------------------------------------


class CsvRowError:
    def __init__(self, line, message):
        self.line = line
        self.message = message

    def __str__(self):
        return f"Row {self.line}: {self.message}"


def parse_award_csv(data):
    """Check every row of a CSV of awards; return (rows, errors).

    Columns: name, email and, optionally, evidence. A header row is
    recognised by its first cell being "name".
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [CsvRowError(1, "the file is not UTF-8 text; save it as CSV UTF-8.")]

    rows, errors, seen = [], [], set()
    for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells) or (line == 1 and cells[0].lower() == "name"):
            continue
        if len(rows) + len(errors) >= BULK_MAX_ROWS:
            errors.append(CsvRowError(line, f"a file may hold {BULK_MAX_ROWS} rows."))
            break
        row, problem = parse_row(cells, seen)
        if problem:
            errors.append(CsvRowError(line, problem))
        else:
            seen.add(row["email"])
            rows.append(row)

    if not rows and not errors:
        errors.append(CsvRowError(1, "the file has no rows to award."))
    return rows, errors


def parse_row(cells, seen):
    if len(cells) < 2 or len(cells) > 3:
        return None, "give a name, an email and, optionally, evidence."
    name, email = cells[0], cells[1].lower()
    evidence = cells[2] if len(cells) == 3 else ""
    if not name:
        return None, "the name is empty."
    if len(name) > 150:
        return None, "the name is longer than 150 characters."
    try:
        validate_email(email)
    except ValidationError:
        return None, f"“{cells[1]}” is not an email address."
    if email in seen:
        return None, f"{email} appears more than once in the file."
    if len(evidence) > 4000:
        return None, "the evidence is longer than 4,000 characters."
    return {"name": name, "email": email, "evidence": evidence}, None


def start_bulk_award(*, badge, rows, created_by):
    from badges.tasks import run_bulk_award

    with transaction.atomic():
        bulk = BulkAward.objects.create(badge=badge, rows=rows, created_by=created_by)
        queue_after_commit(run_bulk_award, bulk.pk)
    return bulk


def progress_key(bulk):
    return f"bulk-award-progress:{bulk.entity_id}"


def bulk_progress(bulk):
    """Return how many rows of a running bulk award are done."""
    if bulk.status == BulkAward.Status.DONE:
        return bulk.total
    return cache.get(progress_key(bulk), 0)


def run_bulk_award(bulk):
    """Award every row of a checked CSV in one transaction: all or nothing."""
    from badges.tasks import send_award_email

    BulkAward.objects.filter(pk=bulk.pk).update(status=BulkAward.Status.RUNNING)
    try:
        with transaction.atomic():
            awards = []
            for start in range(0, bulk.total, BULK_BATCH):
                batch = [
                    new_award(bulk, row)
                    for row in bulk.rows[start : start + BULK_BATCH]
                ]
                awards += Award.objects.bulk_create(batch)
                # The cache is outside the transaction: the page polling it
                # sees progress before the commit.
                cache.set(progress_key(bulk), len(awards), timeout=3600)
            for award in awards:
                queue_after_commit(send_award_email, award.pk)
            BulkAward.objects.filter(pk=bulk.pk).update(
                status=BulkAward.Status.DONE,
                awarded_count=len(awards),
                finished_at=timezone.now(),
            )
    except Exception as error:
        BulkAward.objects.filter(pk=bulk.pk).update(
            status=BulkAward.Status.FAILED, error=str(error)[:1000]
        )
        raise
    logger.info("bulk award=%s awarded %d badges", bulk.pk, len(awards))


def new_award(bulk, row):
    award = Award(
        badge=bulk.badge,
        recipient_name=row["name"],
        recipient_email=row["email"],
        evidence_narrative=row["evidence"],
        awarded_by=bulk.created_by,
    )
    award.expires_at = award.default_expiry()
    return award


# --- Invitations ----------------------------------------------------------------


def invite(*, email, role, invited_by):
    """Invite someone to the employer's site by email."""
    from badges.tasks import send_invitation_email

    email = email.strip().lower()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            invited_by=invited_by,
            expires_at=timezone.now() + timezone.timedelta(days=INVITATION_DAYS),
        )
        queue_after_commit(send_invitation_email, invitation.pk)
    logger.info("invitation=%s sent by user=%s", invitation.pk, invited_by.pk)
    return invitation


def invitation_token(invitation):
    payload = {"invitation": invitation.pk, "schema": connection.schema_name}
    return signing.dumps(payload, salt=INVITATION_SALT)


def find_invitation(token):
    """Return the open invitation a token names, or None."""
    try:
        payload = signing.loads(
            token, salt=INVITATION_SALT, max_age=INVITATION_DAYS * 86400
        )
    except signing.BadSignature:
        return None
    # Invitation ids repeat across schemas: the token names its schema.
    if payload.get("schema") != connection.schema_name:
        return None
    invitation = Invitation.objects.filter(pk=payload.get("invitation")).first()
    return invitation if invitation and invitation.is_open else None


def accept_invitation(invitation, user):
    """Make the invited person a member of the employer, with the invited role."""
    employer = current_employer()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ValidationError("This invitation has already been used.")
        if not employer.has_member(user):
            employer.add_user(user)
        if invitation.role == Invitation.Role.MANAGER:
            roles.make_manager(user)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    logger.info("invitation=%s accepted by user=%s", invitation.pk, user.pk)
