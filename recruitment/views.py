import csv
import functools
import logging
from http import HTTPStatus

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from employers.permissions import manager_required
from employers.roles import can_manage
from recruitment import applicants, services
from recruitment.forms import (
    AcceptedBadgeForm,
    AdvertForm,
    ApplicationFilterForm,
    ApplicationForm,
)
from recruitment.models import AcceptedBadge, Advert, Application, PresentedBadge

logger = logging.getLogger(__name__)

APPLICATIONS_PAGE_SIZE = 50

FILE_TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "json": "application/json",
    "jwt": "application/jwt",
    "jws": "application/jose",
}


def accepted_badges_of(advert):
    return list(advert.accepted_badges.select_related("badge", "entry"))


# --- Public pages -------------------------------------------------------------


def advert_list(request):
    """The employer's open adverts."""
    adverts = Advert.objects.taking_applications().order_by("closes_on")
    return render(request, "recruitment/advert_list.html", {"adverts": adverts})


def visible_advert(request, entity_id):
    """Return an advert the public may see; managers also see drafts."""
    advert = get_object_or_404(Advert, entity_id=entity_id)
    if not advert.is_open and not can_manage(request.user, request.tenant):
        raise Http404("This advert is not open.")
    return advert


def advert_detail(request, entity_id):
    advert = visible_advert(request, entity_id)
    context = {"advert": advert, "accepted": accepted_badges_of(advert)}
    return render(request, "recruitment/advert_detail.html", context)


@never_cache
def advert_apply(request, entity_id):
    advert = visible_advert(request, entity_id)
    if not advert.accepts_applications():
        messages.error(request, "This advert is closed to applications.")
        return redirect("recruitment:advert", entity_id=advert.entity_id)
    if "as" in request.GET:
        return arrive_signed_in(request, advert)

    applicant, token_refused = signed_in_applicant(request, advert)
    form = ApplicationForm(
        request.POST or None, request.FILES or None, applicant=applicant
    )
    # A form sent expecting to be confirmed whose token has gone is sent back,
    # not taken unconfirmed behind its sender's back; the next press is.
    if request.method == "POST" and not token_refused and form.is_valid():
        data = form.cleaned_data
        if not within_rate_limit(request, data["email"], applicant):
            logger.warning("applications to advert=%s rate-limited", advert.entity_id)
            form.add_error(
                None,
                "Too many applications have come from you or for this email in "
                "the last hour. Please try again later.",
            )
            context = application_form_context(request, advert, form, applicant)
            return render(
                request,
                "recruitment/application_form.html",
                context,
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
        if applicant is not None and not applicants.use_up(applicant):
            # Another press of the same form won the token a moment ago.
            request.session.pop(applicant_session_key(advert), None)
            form.add_error(None, "This sign-in link was used already.")
            context = application_form_context(request, advert, form, None)
            return render(request, "recruitment/application_form.html", context)
        request.session.pop(applicant_session_key(advert), None)
        try:
            application = services.submit_application(
                advert=advert,
                name=data["name"],
                email=data["email"],
                email_confirmed=applicant is not None,
                message=data["message"],
                recipient_id=data["recipient_id"],
                presented=data["presented"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(
                "recruitment:application_status", entity_id=application.entity_id
            )

    context = application_form_context(request, advert, form, applicant)
    return render(request, "recruitment/application_form.html", context)


def applicant_session_key(advert):
    return f"recruitment:applicant:{advert.entity_id}"


def arrive_signed_in(request, advert):
    """Take the token from the main site's link into the session.

    The apply page's address then carries no token: copying it to share the
    job shares nobody's confirmed email.
    """
    try:
        applicants.read_token(request.GET["as"], request.tenant, advert)
    except applicants.InvalidApplicantToken as error:
        messages.error(request, str(error))
    else:
        request.session[applicant_session_key(advert)] = request.GET["as"]
    return redirect("recruitment:apply", entity_id=advert.entity_id)


def within_rate_limit(request, email, applicant):
    """Count an application against the limits; False once they are reached.

    A confirmed email has a limit of its own, so nobody typing someone's
    address can use up theirs.
    """
    key = f"confirmed:{email.lower()}" if applicant else email.lower()
    return ratelimit.consume(request, action="apply_to_advert", key=key)


def application_form_context(request, advert, form, applicant):
    return {
        "advert": advert,
        "accepted": accepted_badges_of(advert),
        "form": form,
        "applicant": applicant,
        "files_dropped": bool(request.FILES),
        "sign_in_url": settings.PORTAL_URL
        + reverse(
            "recruitment_public:apply_signed_in",
            kwargs={"slug": request.tenant.slug, "entity_id": advert.entity_id},
            urlconf=settings.PUBLIC_SCHEMA_URLCONF,
        ),
    }


def signed_in_applicant(request, advert):
    """Return (who applies with their account or None, whether a token went).

    A member signed in on this site applies as themselves; anyone else with
    the token the main site's link brought, kept in the session.
    """
    if request.user.is_authenticated:
        return applicants.member_applicant(request.user, request.tenant), False
    token = request.session.get(applicant_session_key(advert))
    if not token:
        return None, False
    try:
        return applicants.read_token(token, request.tenant, advert), False
    except applicants.InvalidApplicantToken as error:
        request.session.pop(applicant_session_key(advert), None)
        messages.error(request, str(error))
        return None, request.method == "POST"


def noindex(view):
    """Keep a page whose address is its key out of search engines."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def presented_result(presented):
    return {
        "id": presented.pk,
        "label": presented.label,
        "done": presented.status == PresentedBadge.Status.DONE,
        "result": presented.result,
        "result_label": presented.result_label,
        "reason": presented.reason,
        "badge_name": presented.badge_name,
        "issuer_name": presented.issuer_name,
        "checked_at": presented.checked_at.isoformat() if presented.checked_at else "",
    }


@never_cache
@noindex
def application_status(request, entity_id):
    """The applicant's own page: their key is the unguessable entity id."""
    application = get_object_or_404(
        Application.objects.select_related("advert"), entity_id=entity_id
    )
    context = {"application": application, "badges": application.badges.all()}
    return render(request, "recruitment/application_status.html", context)


@never_cache
@noindex
def application_results(request, entity_id):
    """What the applicant's page polls for: each badge's check as it completes."""
    application = get_object_or_404(Application, entity_id=entity_id)
    badges = [presented_result(badge) for badge in application.badges.all()]
    return JsonResponse(
        {
            "status": application.get_status_display(),
            "badges": badges,
            "done": all(badge["done"] for badge in badges),
        }
    )


# --- Managers: adverts --------------------------------------------------------


@manager_required
def advert_manage_list(request):
    adverts = Advert.objects.all()
    return render(request, "recruitment/advert_manage_list.html", {"adverts": adverts})


@manager_required
def advert_create(request):
    form = AdvertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        advert = services.create_advert(data=form.cleaned_data)
        messages.success(request, "Advert saved as a draft. Add the badges it accepts.")
        return redirect("recruitment:advert_manage", entity_id=advert.entity_id)
    return render(request, "recruitment/advert_form.html", {"form": form})


@manager_required
def advert_edit(request, entity_id):
    advert = get_object_or_404(Advert, entity_id=entity_id)
    form = AdvertForm(request.POST or None, instance=advert)
    if request.method == "POST" and form.is_valid():
        services.update_advert(advert, data=form.cleaned_data)
        messages.success(request, "Advert saved.")
        return redirect("recruitment:advert_manage", entity_id=advert.entity_id)
    return render(
        request, "recruitment/advert_form.html", {"form": form, "advert": advert}
    )


@manager_required
def advert_manage(request, entity_id):
    """An advert as its managers see it: accepted badges and how to add one."""
    advert = get_object_or_404(Advert, entity_id=entity_id)
    form = AcceptedBadgeForm(request.POST or None, advert=advert)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        accepted = services.accept_badge(
            advert,
            kind=data["kind"],
            required=data["required"],
            badge=data["badge"],
            entry=data["entry"],
            url=data["url"],
            name=data["name"],
        )
        messages.success(request, f"The advert now accepts “{accepted.name}”.")
        return redirect("recruitment:advert_manage", entity_id=advert.entity_id)

    context = {
        "advert": advert,
        "accepted": accepted_badges_of(advert),
        "form": form,
        "application_count": advert.applications.count(),
    }
    return render(request, "recruitment/advert_manage.html", context)


@manager_required
@require_POST
def advert_status(request, entity_id):
    advert = get_object_or_404(Advert, entity_id=entity_id)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.open_advert(advert)
            messages.success(request, "The advert is open and on the job board.")
        elif action == "close":
            services.close_advert(advert)
            messages.success(request, "The advert is closed.")
        else:
            messages.error(request, "Choose to open or to close the advert.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("recruitment:advert_manage", entity_id=advert.entity_id)


@manager_required
@require_POST
def accepted_badge_remove(request, entity_id, pk):
    accepted = get_object_or_404(
        AcceptedBadge.objects.select_related("advert"),
        pk=pk,
        advert__entity_id=entity_id,
    )
    services.remove_accepted_badge(accepted)
    messages.success(request, f"“{accepted.name}” removed.")
    return redirect("recruitment:advert_manage", entity_id=entity_id)


# --- Managers: applications ---------------------------------------------------


def matched_applications(advert, meets_required=False):
    """Return (application, match) pairs for an advert, newest first."""
    accepted = accepted_badges_of(advert)
    applications = advert.applications.prefetch_related("badges")
    pairs = [(app, services.match(app, accepted)) for app in applications]
    if meets_required:
        pairs = [(app, found) for app, found in pairs if found.meets_required]
    return accepted, pairs


@manager_required
def application_list(request, entity_id):
    advert = get_object_or_404(Advert, entity_id=entity_id)
    form = ApplicationFilterForm(request.GET or None)
    meets_required = form.is_valid() and form.cleaned_data["meets_required"]
    accepted, pairs = matched_applications(advert, meets_required)
    context = {
        "advert": advert,
        "accepted": accepted,
        "page": Paginator(pairs, APPLICATIONS_PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "query": "meets_required=on" if meets_required else "",
        "form": form,
        "meets_required": meets_required,
    }
    return render(request, "recruitment/application_list.html", context)


CSV_COLUMNS = [
    "name",
    "email",
    "email confirmed",
    "received at",
    "status",
    "meets every required badge",
    "required badges held",
    "required badges missing",
    "desirable badges held",
    "verified badges",
]


@manager_required
def application_csv(request, entity_id):
    """The applications as the list shows them, filter included."""
    advert = get_object_or_404(Advert, entity_id=entity_id)
    form = ApplicationFilterForm(request.GET or None)
    meets_required = form.is_valid() and form.cleaned_data["meets_required"]
    _accepted, pairs = matched_applications(advert, meets_required)

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="applications-{advert.entity_id}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for application, found in pairs:
        verified = [b.badge_name for b in application.badges.all() if b.is_verified]
        writer.writerow(
            [
                safe_cell(application.name),
                safe_cell(application.email),
                "yes" if application.email_confirmed else "no",
                application.created_at.isoformat(),
                application.get_status_display(),
                "yes" if found.meets_required else "no",
                "; ".join(safe_cell(a.name) for a in found.required_met),
                "; ".join(safe_cell(a.name) for a in found.required_missing),
                found.desirable_count,
                "; ".join(safe_cell(name) for name in verified),
            ]
        )
    return response


def safe_cell(text):
    """Keep a spreadsheet from reading what someone typed as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def managed_application(entity_id):
    return get_object_or_404(
        Application.objects.select_related("advert"), entity_id=entity_id
    )


@manager_required
def application_detail(request, entity_id):
    application = managed_application(entity_id)
    if request.method == "POST":
        status = request.POST.get("status", "")
        try:
            services.set_application_status(application, status)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{application.name}: {application.get_status_display()}."
            )
        return redirect(
            "recruitment:application_detail", entity_id=application.entity_id
        )

    accepted = accepted_badges_of(application.advert)
    context = {
        "application": application,
        "badges": application.badges.all(),
        "accepted": accepted,
        "match": services.match(application, accepted),
    }
    return render(request, "recruitment/application_detail.html", context)


@manager_required
@require_POST
def presented_rerun(request, entity_id, pk):
    presented = get_object_or_404(
        PresentedBadge, pk=pk, application__entity_id=entity_id
    )
    services.rerun_verification(presented)
    messages.success(request, f"Checking “{presented.label}” again.")
    return redirect("recruitment:application_detail", entity_id=entity_id)


@manager_required
def presented_file(request, entity_id, pk):
    """Hand a manager the file an applicant uploaded, never for display."""
    presented = get_object_or_404(
        PresentedBadge, pk=pk, application__entity_id=entity_id
    )
    if not presented.file:
        raise Http404("This badge was not uploaded as a file.")
    extension = presented.file.name.rsplit(".", 1)[-1]
    try:
        content = presented.file.open("rb")
    except FileNotFoundError:
        logger.error("presented badge=%s file is missing", presented.pk)
        raise Http404("This badge file is missing.") from None
    response = FileResponse(
        content,
        content_type=FILE_TYPES.get(extension, "application/octet-stream"),
        as_attachment=True,
        filename=f"badge-{presented.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
