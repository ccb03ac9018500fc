"""In-house badges, kept in each employer's schema.

The vocabulary is Open Badges': a ``BadgeClass`` is the definition of a badge,
an ``Award`` is one badge given to one person (an Open Badges assertion).
"""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def tenant_file_path(folder, filename):
    """Return where an upload is stored: under the current schema's folder.

    Paths never come from what the user typed: ``tenants/<schema>/<folder>/``
    and a random name, keeping the extension the upload was checked for.
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"tenants/{connection.schema_name}/{folder}/{uuid.uuid4().hex}.{extension}"


def badge_image_path(instance, filename):
    return tenant_file_path("badge-images", filename)


def evidence_file_path(instance, filename):
    return tenant_file_path("evidence", filename)


class BadgeClassQuerySet(models.QuerySet):
    def current(self):
        return self.filter(archived_at__isnull=True)

    def claimable(self):
        return self.current().filter(staff_can_claim=True)


class BadgeClass(models.Model):
    """An employer's own badge: what it recognises and how it is earned."""

    entity_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), max_length=2000)
    criteria = models.TextField(
        _("criteria"),
        max_length=4000,
        help_text=_("What someone must show to earn this badge."),
    )
    image = models.FileField(_("image"), upload_to=badge_image_path, blank=True)
    tags = ArrayField(
        models.CharField(max_length=40), verbose_name=_("skills"), default=list
    )
    valid_for_days = models.PositiveIntegerField(
        _("valid for (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a badge that never expires."),
    )
    staff_can_claim = models.BooleanField(
        _("staff can claim it"),
        default=True,
        help_text=_("Otherwise only managers award it."),
    )
    evidence_required = models.BooleanField(_("claims need evidence"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = BadgeClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def image_is_svg(self):
        return self.image.name.endswith(".svg")


class Claim(models.Model):
    """A staff member's request for a badge, with the evidence for it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    badge = models.ForeignKey(
        BadgeClass, on_delete=models.PROTECT, related_name="claims"
    )
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    narrative = models.TextField(_("what you did"), max_length=4000, blank=True)
    evidence_url = models.URLField(_("link to evidence"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to=evidence_file_path, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self):
        return f"{self.badge} claimed by {self.claimant}"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class ClaimEvent(models.Model):
    """One step in a claim's history."""

    class Kind(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.actor}"


def make_salt():
    return secrets.token_hex(8)


def hash_identity(email, salt):
    """Return the Open Badges identity hash of an email address."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}"


class AwardQuerySet(models.QuerySet):
    def expiring_between(self, start, end):
        return self.filter(
            revoked_at__isnull=True, expires_at__gte=start, expires_at__lt=end
        )


class Award(models.Model):
    """One badge given to one person: an Open Badges assertion.

    The recipient's address is kept so the holder can be emailed; the
    published assertion carries only its salted hash.
    """

    entity_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge = models.ForeignKey(
        BadgeClass, on_delete=models.PROTECT, related_name="awards"
    )
    recipient_name = models.CharField(_("recipient name"), max_length=150)
    recipient_email = models.EmailField(_("recipient email"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    salt = models.CharField(max_length=32, default=make_salt, editable=False)
    evidence_narrative = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("link to evidence"), max_length=500, blank=True)
    claim = models.OneToOneField(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="award"
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revocation_reason = models.CharField(
        _("reason for revoking"), max_length=500, blank=True
    )
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self):
        return f"{self.badge} for {self.recipient_name}"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = self.default_expiry()
        super().save(*args, **kwargs)

    def default_expiry(self):
        days = self.badge.valid_for_days
        return self.issued_at + timedelta(days=days) if days else None

    @property
    def identity_hash(self):
        return hash_identity(self.recipient_email, self.salt)

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def is_expired(self, now=None):
        return self.expires_at is not None and self.expires_at <= (
            now or timezone.now()
        )

    def status(self, now=None):
        if self.is_revoked:
            return "revoked"
        return "expired" if self.is_expired(now) else "valid"


class IssuerKey(models.Model):
    """The employer's key pair for signing Open Badges 3.0 credentials.

    The private key is stored encrypted with ``BADGE_KEY_ENCRYPTION_KEY`` and
    never leaves the portal; the public key is published as a JWK.
    """

    kid = models.CharField(max_length=64, unique=True)
    encrypted_private_key = models.BinaryField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.kid


class Invitation(models.Model):
    """An invitation to join the employer's site, sent by email."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        MANAGER = "manager", _("Manager")

    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=10, choices=Role.choices, default=Role.STAFF
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @property
    def is_open(self):
        return self.accepted_at is None and self.expires_at > timezone.now()


class BulkAward(models.Model):
    """A CSV of awards, checked in full and then awarded all together."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Awarding")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    entity_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="+")
    rows = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    awarded_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.total} awards of {self.badge}"

    @property
    def total(self):
        return len(self.rows)
