from django.contrib import admin

from accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_active", "is_verified", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "is_active", "last_login", "tenants"]
    readonly_fields = ["last_login", "tenants"]

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted (django-tenant-users keeps
        # them so that history stays attached to a person).
        return False
