from django.conf import settings
from django.db import connection, models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin
from django_tenants.utils import get_public_schema_name
from tenant_users.tenants.models import TenantBase


def current_employer():
    """Return the employer whose schema the connection is in now.

    Set by django-tenants for a request to the employer's site and by
    ``core.tasks.TenantTask`` for a task.
    """
    return connection.tenant


class District(models.TextChoices):
    CAMBRIDGE = "cambridge", _("Cambridge")
    EAST_CAMBRIDGESHIRE = "east-cambridgeshire", _("East Cambridgeshire")
    FENLAND = "fenland", _("Fenland")
    HUNTINGDONSHIRE = "huntingdonshire", _("Huntingdonshire")
    PETERBOROUGH = "peterborough", _("Peterborough")
    SOUTH_CAMBRIDGESHIRE = "south-cambridgeshire", _("South Cambridgeshire")


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public sector")
    CHARITY = "charity", _("Charity or community")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health and care")
    HOSPITALITY = "hospitality", _("Hospitality and retail")
    TECHNOLOGY = "technology", _("Technology and science")
    CONSTRUCTION = "construction", _("Construction and trades")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    PROFESSIONAL = "professional", _("Professional services")
    OTHER = "other", _("Other")


class SizeBand(models.TextChoices):
    MICRO = "1-9", _("1 to 9 staff")
    SMALL = "10-49", _("10 to 49 staff")
    MEDIUM = "50-249", _("50 to 249 staff")
    LARGE = "250+", _("250 staff or more")


class EmployerQuerySet(models.QuerySet):
    def employers(self):
        """Exclude the public tenant, which stands for the programme itself."""
        return self.exclude(schema_name=get_public_schema_name())


class Employer(TenantBase):
    """An organisation that has signed the pledge, with its own schema.

    The public schema has an Employer row too (django-tenants needs one): it
    stands for the programme and is left out by ``Employer.objects.employers()``.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(_("organisation name"), max_length=120)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, blank=True
    )
    size_band = models.CharField(
        _("size"), max_length=10, choices=SizeBand.choices, blank=True
    )
    district = models.CharField(
        _("district"), max_length=30, choices=District.choices, blank=True
    )
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, verbosity=0, **kwargs):
        # django-tenants prints every migration of a new schema at verbosity 1.
        super().save(*args, verbosity=verbosity, **kwargs)

    @property
    def is_suspended(self):
        return self.status == self.Status.SUSPENDED

    @property
    def site_url(self):
        """Return the absolute URL of the employer's own site."""
        port = f":{settings.PORTAL_PORT}" if settings.PORTAL_PORT else ""
        return f"{settings.PORTAL_SCHEME}://{self.slug}.{settings.PORTAL_DOMAIN}{port}"

    def url_for(self, view_name, *args, **kwargs):
        """Return an absolute URL on the employer's site for a tenant view."""
        path = reverse(
            view_name, args=args, kwargs=kwargs, urlconf=settings.ROOT_URLCONF
        )
        return f"{self.site_url}{path}"

    def has_member(self, user):
        return user.is_authenticated and user.tenants.filter(pk=self.pk).exists()


class Domain(DomainMixin):
    """A host name that routes to an employer's schema."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
