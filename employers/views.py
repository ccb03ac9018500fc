from django.shortcuts import render

from badges.models import Award, BadgeClass, Claim
from employers.permissions import is_owner
from employers.roles import can_manage
from pledges.models import Pledge


def home(request):
    """The employer site's front page: a dashboard for members, else its pledge."""
    employer = request.tenant
    pledge = employer.pledges.filter(status=Pledge.Status.ACTIVE).first()
    if not employer.has_member(request.user):
        return render(request, "employers/profile.html", {"pledge": pledge})

    context = {
        "pledge": pledge,
        "history": employer.pledges.prefetch_related("events__actor"),
        "is_owner": is_owner(request.user, employer),
        "members": employer.user_set.order_by("email"),
        "can_manage": can_manage(request.user, employer),
        "badge_count": BadgeClass.objects.current().count(),
        "award_count": Award.objects.count(),
        "pending_claims": Claim.objects.filter(status=Claim.Status.PENDING).count(),
    }
    return render(request, "employers/dashboard.html", context)
