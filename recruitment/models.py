"""Job adverts and the applications to them, kept in each employer's schema.

An ``Advert`` lists the badges it accepts (``AcceptedBadge``); an
``Application`` carries the badges the applicant presented
(``PresentedBadge``), each verified on its own by a task, with the verdict
stored beside it.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from badges.models import BadgeClass, tenant_file_path
from jobboard.models import RecognisedBadge
from recruitment.verification import RESULT_LABELS


def presented_badge_path(instance, filename):
    return tenant_file_path("applications", filename)


class AdvertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Advert.Status.OPEN)

    def taking_applications(self, today=None):
        """Open adverts whose closing date has not passed."""
        return self.open().filter(closes_on__gte=today or timezone.localdate())


class Advert(models.Model):
    """A job the employer advertises, marking the badges it accepts."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    entity_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=8000)
    location = models.CharField(_("location"), max_length=150)
    hours = models.CharField(
        _("hours"), max_length=100, help_text=_("e.g. Full time, 37 hours a week.")
    )
    salary = models.CharField(
        _("salary"), max_length=100, blank=True, help_text=_("Optional.")
    )
    closes_on = models.DateField(_("closing date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AdvertQuerySet.as_manager()

    class Meta:
        verbose_name = _("advert")
        verbose_name_plural = _("adverts")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    def accepts_applications(self, today=None):
        return self.is_open and self.closes_on >= (today or timezone.localdate())


class AcceptedBadge(models.Model):
    """A badge an advert accepts: required or desirable.

    ``url`` is the BadgeClass id (catalogue and external badges) or the
    issuer id (a whole issuer). An own badge's id is worked out from
    ``badge`` when matching, so it follows the portal's address; a catalogue
    badge's from its ``entry``.
    """

    class Kind(models.TextChoices):
        OWN = "own", _("One of our badges")
        CATALOGUE = "catalogue", _("From the programme's catalogue")
        EXTERNAL_BADGE = "external-badgeclass", _("Another badge, by its URL")
        EXTERNAL_ISSUER = "external-issuer", _("Every badge of an issuer")

    advert = models.ForeignKey(
        Advert, on_delete=models.CASCADE, related_name="accepted_badges"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    badge = models.ForeignKey(
        BadgeClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A catalogue badge follows its entry: when the programme team corrects
    # an entry's URL, adverts that accept it match on the new one. The entry
    # is in the public schema and the advert in the employer's, so no
    # database constraint joins them and a delete cannot cascade here: the
    # admin does not delete entries, and ``url`` keeps the URL the entry had
    # when accepted, should one go anyway.
    entry = models.ForeignKey(
        RecognisedBadge,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    url = models.URLField(max_length=500, blank=True)
    name = models.CharField(_("name"), max_length=150)
    skills = models.JSONField(default=list)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["-required", "name", "pk"]

    def __str__(self):
        return self.name

    @property
    def catalogue_entry(self):
        """Return the catalogue entry this badge follows, if it still exists."""
        try:
            return self.entry
        except RecognisedBadge.DoesNotExist:
            return None

    @property
    def matches_issuer(self):
        if entry := self.catalogue_entry:
            return not entry.badge_class_url
        return self.kind == self.Kind.EXTERNAL_ISSUER


class Application(models.Model):
    """Someone's answer to an advert. ``entity_id`` is the applicant's key."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        REJECTED = "rejected", _("Not taken forward")

    entity_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    advert = models.ForeignKey(
        Advert, on_delete=models.PROTECT, related_name="applications"
    )
    name = models.CharField(_("your name"), max_length=150)
    email = models.EmailField(_("your email"))
    email_confirmed = models.BooleanField(
        _("email confirmed"),
        default=False,
        help_text=_("The applicant signed in with this address to apply."),
    )
    message = models.TextField(_("your message"), max_length=4000, blank=True)
    recipient_id = models.CharField(
        _("your badge identifier"), max_length=300, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} for {self.advert}"


class PresentedBadge(models.Model):
    """One badge an applicant presented, and the verdict on it."""

    class Kind(models.TextChoices):
        URL = "url", _("Link to a hosted badge")
        FILE = "file", _("Badge file")
        JSON = "json", _("Open Badges JSON")
        JWT = "jwt", _("Open Badges JWT")

    class Status(models.TextChoices):
        PENDING = "pending", _("Checking")
        DONE = "done", _("Checked")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="badges"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to=presented_badge_path, blank=True)
    text = models.TextField(blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The verdict, as openbadges.verify reported it.
    format = models.CharField(max_length=40, blank=True)
    openbadges_version = models.CharField(max_length=10, blank=True)
    issuer_id = models.CharField(max_length=500, blank=True)
    issuer_name = models.CharField(max_length=300, blank=True)
    badge_class_id = models.CharField(max_length=500, blank=True)
    badge_name = models.CharField(max_length=300, blank=True)
    result = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    recipient_matches = models.BooleanField(null=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.badge_name or self.original_name or self.url or self.kind

    @property
    def is_verified(self):
        """A finished check found it valid and not someone else's."""
        return (
            self.status == self.Status.DONE
            and self.result == "valid"
            and self.recipient_matches is not False
        )

    @property
    def result_label(self):
        if self.status == self.Status.PENDING:
            return "Checking…"
        return RESULT_LABELS.get(self.result, "Could not be checked")

    @property
    def label(self):
        return self.original_name or self.url or self.get_kind_display()
