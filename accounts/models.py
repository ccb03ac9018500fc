from django.db import models
from django.utils.translation import gettext_lazy as _
from tenant_users.tenants.models import UserProfile


class User(UserProfile):
    """A person, with one account across the whole portal.

    The account lives in the public schema. What the person may do on an
    employer's site is decided by their membership there (django-tenant-users'
    per-schema permissions), never by the account alone.
    """

    full_name = models.CharField(_("full name"), max_length=150)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email
