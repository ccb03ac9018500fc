"""Who may do what on an employer's site."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from employers.roles import can_manage


def is_owner(user, employer):
    return user.is_authenticated and employer.owner_id == user.pk


def member_required(view):
    """Let through only signed-in members of the current employer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.tenant.has_member(request.user):
            raise PermissionDenied("You are not a member of this employer.")
        return view(request, *args, **kwargs)

    return wrapper


def owner_required(view):
    """Let through only the current employer's owner."""

    @wraps(view)
    @member_required
    def wrapper(request, *args, **kwargs):
        if not is_owner(request.user, request.tenant):
            raise PermissionDenied("Only the employer's owner can do this.")
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    """Let through only the current employer's owner and managers."""

    @wraps(view)
    @member_required
    def wrapper(request, *args, **kwargs):
        if not can_manage(request.user, request.tenant):
            raise PermissionDenied("Only the employer's managers can do this.")
        return view(request, *args, **kwargs)

    return wrapper
