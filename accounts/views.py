import logging

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.handoff import InvalidHandoff, make_token, redeem_token
from employers.models import Employer

logger = logging.getLogger(__name__)


def handoff_url(user, employer):
    """Return the URL that signs ``user`` in on ``employer``'s site."""
    return employer.url_for("accounts:handoff", token=make_token(user, employer))


def handoff(request, token):
    """Sign in the person a hand-off token names, on this employer's site."""
    employer = request.tenant
    try:
        user_id = redeem_token(token, employer)
    except InvalidHandoff as error:
        messages.error(request, f"{error} Please sign in.")
        return redirect("account_login")

    user = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    if not employer.has_member(user):
        messages.error(request, f"{user.email} is not a member of {employer.name}.")
        return redirect("account_login")

    login(request, user, backend="tenant_users.permissions.backend.UserBackend")
    logger.info("signed in by hand-off user=%s", user.pk)
    return redirect("employers:dashboard")


@login_required
def my_employers(request):
    """List the employer sites the signed-in person belongs to."""
    employers = request.user.tenants.employers().order_by("name")
    return render(request, "accounts/my_employers.html", {"employers": employers})


@login_required
@require_POST
def go_to_employer(request, slug):
    """Send the signed-in person to one of their employers' sites, signed in."""
    employer = get_object_or_404(
        request.user.tenants.employers(), slug=slug, status=Employer.Status.ACTIVE
    )
    return HttpResponseRedirect(handoff_url(request.user, employer))
