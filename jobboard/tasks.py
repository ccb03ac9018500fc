import logging

from celery import shared_task
from django.utils import timezone

from core.tasks import queue_after_commit
from jobboard.models import Listing

logger = logging.getLogger(__name__)


@shared_task
def queue_closing_of_past_adverts():
    """Queue the closing of every listed advert whose closing date has passed.

    The board already hides them (its query filters on the date); this puts
    the adverts themselves into the closed state, in their own schemas.
    """
    from recruitment.tasks import close_advert

    past = Listing.objects.filter(closes_on__lt=timezone.localdate()).values_list(
        "employer__schema_name", "advert_entity_id"
    )
    for schema_name, entity_id in past:
        queue_after_commit(close_advert, str(entity_id), schema_name=schema_name)
    logger.info("queued the closing of %s past adverts", len(past))
