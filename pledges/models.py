from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The four things an employer can commit to, in the order they are shown.
# Each is a boolean field on Pledge, so the admin can filter on any of them.
COMMITMENTS = {
    "recognise_in_recruitment": _("Recognise digital badges when we recruit"),
    "recognise_in_development": _("Recognise digital badges in staff development"),
    "create_inhouse_badges": _("Create in-house badges for our staff"),
    "mark_job_adverts": _("Mark our job adverts with the badges we accept"),
}


class PledgeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Pledge.Status.ACTIVE)

    def on_wall(self):
        """Active pledges of active employers, newest first."""
        return (
            self.active()
            .filter(employer__status="active")
            .select_related("employer")
            .order_by("-signed_at", "pk")
        )


class Pledge(models.Model):
    """An employer's signed pledge and the commitments it makes.

    Pledges are public commitments, shown on the pledge wall and reported on
    by the programme team, so they live in the public schema; an employer's
    site reads and edits only its own. Withdrawing keeps the row: an employer
    has at most one active pledge and any number of withdrawn ones.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Signed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="pledges"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    recognise_in_recruitment = models.BooleanField(
        COMMITMENTS["recognise_in_recruitment"], default=False
    )
    recognise_in_development = models.BooleanField(
        COMMITMENTS["recognise_in_development"], default=False
    )
    create_inhouse_badges = models.BooleanField(
        COMMITMENTS["create_inhouse_badges"], default=False
    )
    mark_job_adverts = models.BooleanField(
        COMMITMENTS["mark_job_adverts"], default=False
    )
    public_statement = models.TextField(_("public statement"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation sent at"), null=True, blank=True
    )
    confirmation_requeued_at = models.DateTimeField(
        _("confirmation queued again at"), null=True, blank=True
    )

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer"],
                condition=models.Q(status="active"),
                name="one_active_pledge_per_employer",
            ),
        ]
        indexes = [models.Index(fields=["status", "-signed_at"])]

    def __str__(self):
        return f"{self.employer} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    def commitment_labels(self):
        """Return the labels of the commitments this pledge makes."""
        return [label for field, label in COMMITMENTS.items() if getattr(self, field)]


class PledgeEvent(models.Model):
    """One entry in a pledge's history: signed, changed or withdrawn."""

    class Kind(models.TextChoices):
        SIGNED = "signed", _("Signed")
        UPDATED = "updated", _("Updated")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("pledge event")
        verbose_name_plural = _("pledge history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return (
            f"{self.get_kind_display()} by {self.actor} on {self.created_at:%d %b %Y}"
        )
