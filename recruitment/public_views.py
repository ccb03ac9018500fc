"""The public site's part of applying: carrying a signed-in applicant over."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect

from employers.models import Employer
from recruitment import applicants

logger = logging.getLogger(__name__)


@login_required
def apply_signed_in(request, slug, entity_id):
    """Send a signed-in person to an advert's apply page, name and email filled.

    The advert itself is looked up by the employer's site, which answers 404
    for one that is not open.
    """
    employer = get_object_or_404(
        Employer.objects.employers(), slug=slug, status=Employer.Status.ACTIVE
    )
    try:
        token = applicants.make_token(request.user, employer, entity_id)
    except applicants.InvalidApplicantToken as error:
        messages.error(request, f"{error} Then apply again.")
        return redirect("account_email")

    url = employer.url_for("recruitment:apply", entity_id=entity_id)
    logger.info("applicant user=%s sent to employer=%s", request.user.pk, slug)
    return HttpResponseRedirect(f"{url}?{urlencode({'as': token})}")
