import logging

from django.contrib import admin, messages
from tenant_users.permissions.models import UserTenantPermissions

from accounts.models import User

logger = logging.getLogger(__name__)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "full_name",
        "is_active",
        "is_programme_staff",
        "last_login",
    ]
    list_filter = ["is_active"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "is_active", "last_login", "tenants"]
    readonly_fields = ["last_login", "tenants"]
    actions = ["make_programme_staff", "remove_programme_staff"]

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted (django-tenant-users keeps
        # them so that history stays attached to a person).
        return False

    @admin.display(description="programme team", boolean=True)
    def is_programme_staff(self, user):
        # The admin runs on the public site, so these are the public rights.
        return user.is_staff

    @admin.action(description="Give admin rights on the public site")
    def make_programme_staff(self, request, queryset):
        count = set_programme_staff(queryset, True)
        logger.info(
            "admin rights given to %d accounts by user=%s", count, request.user.pk
        )
        self.message_user(request, f"{count} account(s) can now use the admin.")

    @admin.action(description="Remove admin rights on the public site")
    def remove_programme_staff(self, request, queryset):
        queryset = queryset.exclude(pk=request.user.pk)
        count = set_programme_staff(queryset, False)
        logger.info(
            "admin rights removed from %d accounts by user=%s", count, request.user.pk
        )
        self.message_user(
            request, f"{count} account(s) can no longer use the admin.", messages.INFO
        )


def set_programme_staff(users, is_staff):
    """Give or take admin rights on the public site; nowhere else changes."""
    return UserTenantPermissions.objects.filter(profile__in=users).update(
        is_staff=is_staff, is_superuser=is_staff
    )
