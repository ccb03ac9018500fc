"""Roles on an employer's site: owner, manager and staff.

Membership is django-tenant-users' per-schema ``UserTenantPermissions`` row.
The owner is the employer's ``owner``; managers are members of the schema's
"Managers" group; every other member is staff. Call these inside the
employer's schema (any request to its site is).
"""

from django.contrib.auth.models import Group
from tenant_users.permissions.models import UserTenantPermissions

MANAGERS_GROUP = "Managers"

OWNER, MANAGER, STAFF = "owner", "manager", "staff"


def role_of(user, employer):
    """Return the user's role on the employer's site, or None for outsiders."""
    if not user.is_authenticated:
        return None
    if employer.owner_id == user.pk:
        return OWNER

    membership = UserTenantPermissions.objects.filter(profile_id=user.pk)
    if not membership.exists():
        return None
    if membership.filter(groups__name=MANAGERS_GROUP).exists():
        return MANAGER
    return STAFF


def can_manage(user, employer):
    return role_of(user, employer) in (OWNER, MANAGER)


def make_manager(user):
    group, _ = Group.objects.get_or_create(name=MANAGERS_GROUP)
    UserTenantPermissions.objects.get(profile_id=user.pk).groups.add(group)
