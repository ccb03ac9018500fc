import logging

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tenants.utils import (
    get_public_schema_name,
    schema_context,
)

from badges import artefacts, documents, services
from badges.forms import (
    AwardForm,
    BadgeForm,
    BulkAwardForm,
    ClaimForm,
    DecisionForm,
    InviteForm,
    NewAccountForm,
    RevokeForm,
)
from badges.images import png_rendition
from badges.models import Award, BadgeClass, BulkAward, Claim, Invitation, IssuerKey
from employers import roles
from employers.permissions import manager_required, member_required

logger = logging.getLogger(__name__)

JSON_LD = "application/ld+json"
LIST_PAGE_SIZE = 50


# --- Open Badges documents (public) --------------------------------------------


def json_ld(document, status=200):
    response = JsonResponse(document, status=status, content_type=JSON_LD)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def issuer(request):
    return json_ld(documents.issuer_profile(keys=IssuerKey.objects.all()))


def issuer_key(request, kid):
    key = get_object_or_404(IssuerKey, kid=kid)
    response = JsonResponse(key.public_jwk, content_type="application/jwk+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def badge_class(request, entity_id):
    badge = get_object_or_404(BadgeClass, entity_id=entity_id)
    return json_ld(documents.badge_class(badge))


def badge_image(request, entity_id):
    badge = get_object_or_404(BadgeClass, entity_id=entity_id)
    if badge.image_is_svg:
        response = FileResponse(badge.image.open("rb"), content_type="image/svg+xml")
        # The SVG was sanitised on upload; this keeps a browser from running
        # anything in it even if that ever failed.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
        return response
    return HttpResponse(png_rendition(badge), content_type="image/png")


def revocation_list(request):
    revoked = Award.objects.filter(revoked_at__isnull=False).order_by("revoked_at")
    return json_ld(documents.revocation_list(revoked))


def credential_revocation_list(request):
    revoked = Award.objects.filter(revoked_at__isnull=False).order_by("revoked_at")
    return json_ld(documents.credential_revocation_list(revoked))


def wants_json(request):
    """Tell whether a client prefers JSON to a web page (browsers do not)."""
    offered = [JSON_LD, "application/json", "text/html"]
    return request.get_preferred_type(offered) != "text/html"


def award(request, entity_id):
    """The award's id: its assertion for clients, a verification page for people."""
    award = get_object_or_404(
        Award.objects.select_related("badge"), entity_id=entity_id
    )

    if wants_json(request):
        if award.is_revoked:
            return json_ld(documents.revoked_assertion(award), status=410)
        response = json_ld(documents.assertion(award))
    else:
        context = {
            "award": award,
            "badge": award.badge,
            "status": award.status(),
            "linkedin_url": artefacts.linkedin_url(award),
            "has_svg": award.badge.image_is_svg,
        }
        response = render(request, "badges/award_verify.html", context)
    response["Vary"] = "Accept"
    return response


def public_award(entity_id):
    return get_object_or_404(Award.objects.select_related("badge"), entity_id=entity_id)


def download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def award_png(request, entity_id):
    award = public_award(entity_id)
    return download(
        artefacts.baked_png(award), "image/png", artefacts.filename(award, "png")
    )


def award_svg(request, entity_id):
    award = public_award(entity_id)
    svg = artefacts.baked_svg(award)
    if svg is None:
        raise Http404("This badge has no SVG image.")
    return download(svg, "image/svg+xml", artefacts.filename(award, "svg"))


def award_credential(request, entity_id):
    award = public_award(entity_id)
    if award.is_revoked:
        raise Http404("This badge has been revoked.")
    return download(
        artefacts.credential_jwt(award),
        "application/jwt",
        artefacts.filename(award, "jwt"),
    )


def award_credential_png(request, entity_id):
    award = public_award(entity_id)
    if award.is_revoked:
        raise Http404("This badge has been revoked.")
    return download(
        artefacts.baked_credential_png(award),
        "image/png",
        artefacts.filename(award, "ob3.png"),
    )


def award_certificate(request, entity_id):
    award = public_award(entity_id)
    return download(
        artefacts.certificate_pdf(award),
        "application/pdf",
        artefacts.filename(award, "pdf"),
    )


# --- Badge definitions -----------------------------------------------------------


@member_required
def badge_list(request):
    can_manage = roles.can_manage(request.user, request.tenant)
    badges = BadgeClass.objects.all() if can_manage else BadgeClass.objects.current()
    context = {"badges": badges, "can_manage": can_manage}
    return render(request, "badges/badge_list.html", context)


@member_required
def badge_detail(request, entity_id):
    badge = get_object_or_404(BadgeClass, entity_id=entity_id)
    context = {
        "badge": badge,
        "can_manage": roles.can_manage(request.user, request.tenant),
        "award_count": badge.awards.count(),
    }
    return render(request, "badges/badge_detail.html", context)


@manager_required
def badge_create(request):
    form = BadgeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        badge = services.create_badge(
            created_by=request.user,
            data=form.badge_data(),
            image=form.cleaned_data["image"],
        )
        messages.success(request, f"“{badge.name}” is ready to award.")
        return redirect("badges:detail", entity_id=badge.entity_id)
    return render(request, "badges/badge_form.html", {"form": form})


@manager_required
def badge_edit(request, entity_id):
    badge = get_object_or_404(BadgeClass, entity_id=entity_id)
    form = BadgeForm(request.POST or None, request.FILES or None, instance=badge)
    if request.method == "POST" and form.is_valid():
        services.update_badge(
            badge, data=form.badge_data(), image=form.cleaned_data["image"]
        )
        messages.success(request, "The badge has been saved.")
        return redirect("badges:detail", entity_id=badge.entity_id)
    return render(request, "badges/badge_form.html", {"form": form, "badge": badge})


@manager_required
@require_POST
def badge_archive(request, entity_id):
    badge = get_object_or_404(BadgeClass, entity_id=entity_id)
    services.archive_badge(badge)
    messages.success(
        request, f"“{badge.name}” is archived; badges already awarded stay valid."
    )
    return redirect("badges:detail", entity_id=badge.entity_id)


# --- Claims ------------------------------------------------------------------------


@member_required
def claim_create(request, entity_id):
    badge = get_object_or_404(BadgeClass.objects.claimable(), entity_id=entity_id)
    form = ClaimForm(request.POST or None, request.FILES or None, badge=badge)
    if request.method == "POST" and form.is_valid():
        services.submit_claim(badge=badge, claimant=request.user, **form.cleaned_data)
        messages.success(request, "Your claim has been sent to your managers.")
        return redirect("badges:my_claims")
    return render(request, "badges/claim_form.html", {"form": form, "badge": badge})


@member_required
def my_claims(request):
    claims = Claim.objects.filter(claimant=request.user).select_related("badge")
    awards = Award.objects.filter(recipient=request.user).select_related("badge")
    return render(
        request, "badges/my_badges.html", {"claims": claims, "awards": awards}
    )


@manager_required
def claim_list(request):
    claims = (
        Claim.objects.filter(status=Claim.Status.PENDING)
        .select_related("badge", "claimant")
        .order_by("created_at")
    )
    page = Paginator(claims, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "badges/claim_list.html", {"claims": page, "page": page})


def visible_claim(request, pk):
    """Return a claim its claimant or a manager may see; 404 for anyone else."""
    claim = get_object_or_404(Claim.objects.select_related("badge", "claimant"), pk=pk)
    if claim.claimant_id != request.user.pk and not roles.can_manage(
        request.user, request.tenant
    ):
        raise Http404("No such claim.")
    return claim


@member_required
def claim_detail(request, pk):
    claim = visible_claim(request, pk)
    can_decide = (
        claim.is_pending
        and claim.claimant_id != request.user.pk
        and roles.can_manage(request.user, request.tenant)
    )
    form = DecisionForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("You cannot decide this claim.")
        if form.is_valid():
            try:
                services.decide_claim(
                    claim,
                    reviewer=request.user,
                    approve=form.cleaned_data["decision"] == "approve",
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(
                    request, "Your decision has been sent to the claimant."
                )
            return redirect("badges:claims")

    context = {
        "claim": claim,
        "form": form,
        "events": claim.events.select_related("actor"),
    }
    return render(request, "badges/claim_detail.html", context)


@member_required
def claim_evidence(request, pk):
    claim = visible_claim(request, pk)
    if not claim.evidence_file:
        raise Http404("This claim has no file.")
    extension = claim.evidence_file.name.rsplit(".", 1)[-1]
    content_type = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
    response = FileResponse(
        claim.evidence_file.open("rb"),
        content_type=content_type.get(extension, "application/octet-stream"),
        as_attachment=True,
        filename=f"claim-{claim.pk}-evidence.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Awards --------------------------------------------------------------------------


@manager_required
def award_list(request):
    awards = Award.objects.select_related("badge").order_by("-issued_at", "-pk")
    page = Paginator(awards, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "badges/award_list.html", {"awards": page, "page": page})


@manager_required
def award_create(request, entity_id):
    badge = get_object_or_404(BadgeClass.objects.current(), entity_id=entity_id)
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.award_badge(badge=badge, awarded_by=request.user, **form.cleaned_data)
        name = form.cleaned_data["recipient_name"]
        messages.success(request, f"Awarded to {name}; they will get an email.")
        return redirect("badges:detail", entity_id=badge.entity_id)
    return render(request, "badges/award_form.html", {"form": form, "badge": badge})


@manager_required
def award_bulk(request, entity_id):
    badge = get_object_or_404(BadgeClass.objects.current(), entity_id=entity_id)
    form = BulkAwardForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        rows, errors = services.parse_award_csv(form.cleaned_data["csv_file"])
        if not errors:
            bulk = services.start_bulk_award(
                badge=badge, rows=rows, created_by=request.user
            )
            return redirect("badges:bulk_status", entity_id=bulk.entity_id)
    context = {"form": form, "badge": badge, "row_errors": errors}
    return render(request, "badges/award_bulk.html", context)


@manager_required
def bulk_status(request, entity_id):
    bulk = get_object_or_404(
        BulkAward.objects.select_related("badge"), entity_id=entity_id
    )
    progress = {
        "status": bulk.status,
        "done": services.bulk_progress(bulk),
        "total": bulk.total,
        "error": bulk.error,
    }
    if wants_json(request):
        return JsonResponse(progress)
    return render(request, "badges/bulk_status.html", {"bulk": bulk, **progress})


@manager_required
def award_revoke(request, entity_id):
    award = get_object_or_404(Award, entity_id=entity_id, revoked_at__isnull=True)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.revoke_award(
            award, revoked_by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "The badge has been revoked.")
        return redirect("badges:award", entity_id=award.entity_id)
    return render(request, "badges/award_revoke.html", {"form": form, "award": award})


# --- People and invitations -----------------------------------------------------------


@manager_required
def people(request):
    employer = request.tenant
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if employer.user_set.filter(email__iexact=email).exists():
            form.add_error("email", f"{email} is already a member.")
        else:
            services.invite(
                email=email, role=form.cleaned_data["role"], invited_by=request.user
            )
            messages.success(request, f"An invitation has been sent to {email}.")
            return redirect("badges:people")
    members = [
        (member, roles.role_of(member, employer))
        for member in employer.user_set.order_by("email")
    ]
    context = {
        "form": form,
        "members": members,
        "invitations": Invitation.objects.filter(accepted_at__isnull=True),
    }
    return render(request, "badges/people.html", context)


def accept_invitation(request, token):
    """Join the employer's site from an invitation: sign in, or make an account."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "badges/invitation_invalid.html", status=404)

    User = get_user_model()
    with schema_context(get_public_schema_name()):
        existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        # allauth's sign-in (with its rate limits) completes the invitation:
        # see accounts.adapter.AccountAdapter.pre_login.
        request.session["invitation_id"] = invitation.pk
        login_url = reverse("account_login")
        return render(
            request,
            "badges/invitation_sign_in.html",
            {"invitation": invitation, "login_url": login_url},
        )

    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = create_invited_account(invitation, form.cleaned_data)
        services.accept_invitation(invitation, user)
        login(request, user, backend="tenant_users.permissions.backend.UserBackend")
        messages.success(request, f"Welcome to {request.tenant.name}.")
        return redirect("employers:dashboard")
    return render(
        request,
        "badges/invitation_accept.html",
        {"invitation": invitation, "form": form},
    )


def create_invited_account(invitation, data):
    """Create the account of an invited person; the invitation proves the address."""
    User = get_user_model()
    with schema_context(get_public_schema_name()), transaction.atomic():
        user = User.objects.create_user(
            email=invitation.email,
            password=data["password1"],
            full_name=data["full_name"],
        )
        EmailAddress.objects.create(
            user=user, email=user.email, verified=True, primary=True
        )
    logger.info("account user=%s created from invitation=%s", user.pk, invitation.pk)
    return user
