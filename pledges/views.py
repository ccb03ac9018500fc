import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render

from accounts.views import handoff_url
from employers.permissions import member_required, owner_required
from pledges import services
from pledges.forms import (
    SignPledgeForm,
    UpdatePledgeForm,
    WallSearchForm,
    WithdrawPledgeForm,
)
from pledges.models import COMMITMENTS, Pledge

logger = logging.getLogger(__name__)

WALL_PAGE_SIZE = 24


def home(request):
    """The public landing page: what the pledge is, who has signed, sign it."""
    wall = Pledge.objects.on_wall()
    context = {
        "signed_count": wall.count(),
        "recent_pledges": wall[:6],
        "commitments": COMMITMENTS.values(),
    }
    return render(request, "pledges/home.html", context)


def wall(request):
    """Every employer that has signed, searchable by name and district."""
    form = WallSearchForm(request.GET)
    pledges = Pledge.objects.on_wall()
    if form.is_valid():
        if form.cleaned_data["q"]:
            pledges = pledges.filter(employer__name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["district"]:
            pledges = pledges.filter(employer__district=form.cleaned_data["district"])

    page = Paginator(pledges, WALL_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "pledges/wall.html", context)


# Each signature creates a schema; a person signs for a few organisations at
# most, and a script signing for hundreds is stopped here.
SIGNINGS_PER_DAY = 3


@login_required
def sign(request):
    """Sign the pledge: creates the employer's site and sends the owner there."""
    if request.method == "POST":
        form = SignPledgeForm(request.POST)
        if services.signed_today(request.user) >= SIGNINGS_PER_DAY:
            form.add_error(
                None,
                f"You have signed for {SIGNINGS_PER_DAY} organisations today. "
                "To sign for more, please contact the programme team.",
            )
        if form.is_valid():
            try:
                pledge = services.sign_pledge(
                    owner=request.user,
                    name=form.cleaned_data["name"],
                    slug=form.cleaned_data["slug"],
                    employer_data=form.employer_data(),
                    pledge_data=form.pledge_data(),
                )
            except services.SlugTaken:
                form.add_error(
                    "slug", "That address was taken a moment ago; try another."
                )
            else:
                return HttpResponseRedirect(handoff_url(request.user, pledge.employer))
    else:
        form = SignPledgeForm(
            initial={
                "contact_name": request.user.full_name,
                "contact_email": request.user.email,
            }
        )
    return render(request, "pledges/sign.html", {"form": form})


def current_pledge(employer):
    return employer.pledges.filter(status=Pledge.Status.ACTIVE).first()


@owner_required
def edit(request):
    """Change the commitments or statement of this employer's pledge."""
    pledge = current_pledge(request.tenant)
    if pledge is None:
        messages.info(request, "Your organisation has no signed pledge to change.")
        return redirect("employers:dashboard")

    form = UpdatePledgeForm(request.POST or None, instance=pledge)
    if request.method == "POST" and form.is_valid():
        services.update_pledge(pledge, actor=request.user, data=form.cleaned_data)
        messages.success(request, "Your pledge has been updated.")
        return redirect("employers:dashboard")

    return render(request, "pledges/pledge_edit.html", {"form": form})


@owner_required
def renew(request):
    """Sign the pledge again after withdrawing it."""
    employer = request.tenant
    if current_pledge(employer) is not None:
        return redirect("employers:dashboard")

    last = employer.pledges.order_by("-signed_at").first()
    form = UpdatePledgeForm(request.POST or None, instance=Pledge(employer=employer))
    if request.method == "GET" and last is not None:
        form = UpdatePledgeForm(
            initial={field: getattr(last, field) for field in form.fields}
        )
    if request.method == "POST" and form.is_valid():
        services.renew_pledge(employer, actor=request.user, data=form.cleaned_data)
        messages.success(request, "Thank you: your pledge is signed again.")
        return redirect("employers:dashboard")
    return render(request, "pledges/pledge_renew.html", {"form": form})


@owner_required
def withdraw(request):
    """Withdraw this employer's pledge, taking it off the wall."""
    pledge = current_pledge(request.tenant)
    if pledge is None:
        messages.info(request, "Your organisation has no signed pledge to withdraw.")
        return redirect("employers:dashboard")

    form = WithdrawPledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.withdraw_pledge(
            pledge, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Your pledge has been withdrawn.")
        return redirect("employers:dashboard")

    return render(
        request, "pledges/pledge_withdraw.html", {"form": form, "pledge": pledge}
    )


@member_required
def certificate(request):
    """Download this employer's pledge certificate as a PDF."""
    pledge = current_pledge(request.tenant)
    if pledge is None:
        messages.info(request, "Certificates are for signed pledges only.")
        return redirect("employers:dashboard")

    response = HttpResponse(services.render_certificate(pledge), "application/pdf")
    filename = services.certificate_filename(pledge)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
