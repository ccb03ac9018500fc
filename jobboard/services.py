"""Keeping the job board's index in step with the employers' adverts.

Called by ``recruitment.services`` inside the employer's schema and inside
the transaction that changes the advert: the Listing table lives in the
public schema, which is on every tenant's search path, so the advert and its
listing commit or roll back together.
"""

import logging

from jobboard.models import Listing

logger = logging.getLogger(__name__)


def index_advert(employer, advert):
    """Create or refresh the listing of an open advert."""
    accepted = list(advert.accepted_badges.all())
    skills = sorted({skill.lower() for badge in accepted for skill in badge.skills})
    Listing.objects.update_or_create(
        advert_entity_id=advert.entity_id,
        defaults={
            "employer": employer,
            "title": advert.title,
            "location": advert.location,
            "hours": advert.hours,
            "salary": advert.salary,
            "closes_on": advert.closes_on,
            "badge_names": [badge.name for badge in accepted],
            "skills": skills,
            "url": employer.url_for("recruitment:advert", entity_id=advert.entity_id),
        },
    )
    logger.info("listing of advert=%s indexed", advert.entity_id)


def remove_advert(employer, advert):
    """Take an advert off the board (closed, back to draft or deleted)."""
    Listing.objects.filter(
        employer=employer, advert_entity_id=advert.entity_id
    ).delete()
