"""The region-wide job board, kept once in the public schema.

``RecognisedBadge`` is the programme's catalogue of badges that employers
may accept without knowing their URLs. ``Listing`` is the public index of
open adverts: each employer's adverts live in its own schema, and the
recruitment services copy what the board shows here when an advert opens,
changes or closes, so the board never reads a tenant schema.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecognisedBadge(models.Model):
    """A badge the programme recognises, shared by every employer."""

    name = models.CharField(_("name"), max_length=150)
    issuer_name = models.CharField(_("issuer name"), max_length=150)
    badge_class_url = models.URLField(
        _("BadgeClass URL"),
        max_length=500,
        blank=True,
        help_text=_("The badge's own id; leave empty to accept the whole issuer."),
    )
    issuer_url = models.URLField(
        _("issuer URL"),
        max_length=500,
        blank=True,
        help_text=_(
            "Without a BadgeClass URL: any badge of this issuer. With one: only "
            "this issuer's badges of that class count (give it for badges on a "
            "platform shared by many issuers)."
        ),
    )
    skills = ArrayField(
        models.CharField(max_length=40), verbose_name=_("skills"), default=list
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recognised badge")
        verbose_name_plural = _("recognised badges")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(badge_class_url="", issuer_url=""),
                name="recognised_badge_has_a_url",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.issuer_name})"


class ListingQuerySet(models.QuerySet):
    def current(self, today):
        """Listings still open on ``today``, of active, pledged employers.

        An employer has one active pledge at most (a constraint of Pledge),
        so the join repeats no listing.
        """
        return self.filter(
            closes_on__gte=today,
            employer__status="active",
            employer__pledges__status="active",
        )


class Listing(models.Model):
    """An open advert as the public job board shows it."""

    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, related_name="listings"
    )
    advert_entity_id = models.UUIDField(unique=True)
    title = models.CharField(max_length=150)
    location = models.CharField(max_length=150)
    hours = models.CharField(max_length=100, blank=True)
    salary = models.CharField(max_length=100, blank=True)
    closes_on = models.DateField()
    badge_names = ArrayField(models.CharField(max_length=150), default=list)
    skills = ArrayField(models.CharField(max_length=40), default=list)
    url = models.URLField(max_length=500)
    indexed_at = models.DateTimeField(auto_now=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["closes_on", "title", "id"]
        # The board's order: the first page is read off the index.
        indexes = [models.Index(fields=["closes_on", "title", "id"])]

    def __str__(self):
        return self.title
