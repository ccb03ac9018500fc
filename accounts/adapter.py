import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_tenants.utils import get_public_schema_name, get_tenant_model

from core.tasks import queue_after_commit, send_email_message

logger = logging.getLogger(__name__)


def on_public_site(request):
    return request.tenant.schema_name == get_public_schema_name()


def accept_pending_invitation(request, user):
    """Complete the invitation this browser opened, if it is for this account.

    An invited person who already has an account signs in with it; signing in
    is what accepts the invitation.
    """
    from badges import services
    from badges.models import Invitation

    invitation_id = request.session.get("invitation_id")
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation and invitation.is_open and invitation.email == user.email.lower():
        services.accept_invitation(invitation, user)
        request.session.pop("invitation_id", None)


class AccountAdapter(DefaultAccountAdapter):
    """allauth, fitted to one account per person across many employer sites.

    Accounts are created on the public site only; an employer's site signs in
    only its own members; account emails go out through Celery.
    """

    def is_open_for_signup(self, request):
        return on_public_site(request)

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # django-tenant-users links every account to the public tenant,
            # where its admin rights (none, for a new account) are kept.
            get_tenant_model().objects.get(
                schema_name=get_public_schema_name()
            ).add_user(user)
        return user

    def pre_login(self, request, user, **kwargs):
        tenant = request.tenant
        if not on_public_site(request) and not tenant.has_member(user):
            accept_pending_invitation(request, user)
        if not on_public_site(request) and not tenant.has_member(user):
            logger.info("sign-in refused: user=%s is not a member", user.pk)
            messages.error(
                request,
                f"{user.email} is not a member of {tenant.name}. Ask the "
                "employer for an invitation, or sign in on the portal's main site.",
            )
            return HttpResponseRedirect(reverse("account_login"))
        return super().pre_login(request, user, **kwargs)

    def get_login_redirect_url(self, request):
        """After signing in on the public site, go where there is work to do."""
        if not on_public_site(request):
            return super().get_login_redirect_url(request)
        if request.user.tenants.employers().exists():
            return reverse("accounts:employers")
        return reverse("pledges:sign")

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "programme_name": settings.PROGRAMME_NAME,
            "portal_url": settings.PORTAL_URL,
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (body for body, kind in message.alternatives if kind == "text/html"),
            "",
        )
        queue_after_commit(
            send_email_message,
            {
                "subject": message.subject,
                "body": message.body,
                "html": html,
                "from_email": message.from_email,
                "to": list(message.to),
            },
        )
