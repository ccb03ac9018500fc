"""Helpers the recruitment and job board tests share (no tests here)."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from badges import artefacts
from badges import services as badge_services
from recruitment import services
from recruitment.models import AcceptedBadge


def make_advert(employer, *, open_it=True, accepts=(), **fields):
    """Write an advert in the employer's schema, open unless told otherwise.

    ``accepts`` is a list of (badge, required) for the employer's own badges.
    """
    data = {
        "title": "Customer Service Adviser",
        "description": "Help residents at the front desk.",
        "location": "Mandela House, Cambridge",
        "hours": "Full time, 37 hours",
        "salary": "£24,000",
        "closes_on": timezone.localdate() + timedelta(days=30),
        **fields,
    }
    with tenant_context(employer):
        advert = services.create_advert(data=data)
        for badge, required in accepts:
            services.accept_badge(
                advert, kind=AcceptedBadge.Kind.OWN, required=required, badge=badge
            )
        if open_it:
            services.open_advert(advert)
        return advert


def award_to(employer, badge, email, name="Ava Applicant"):
    """Award one of the employer's badges, in its schema."""
    with tenant_context(employer):
        return badge_services.award_badge(
            badge=badge,
            recipient_name=name,
            recipient_email=email,
            awarded_by=employer.owner,
        )


def award_png(employer, badge, email, name="Ava Applicant"):
    """Award one of the employer's badges and return it baked into a PNG."""
    award = award_to(employer, badge, email, name)
    with tenant_context(employer):
        return artefacts.baked_png(award)
