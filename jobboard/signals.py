"""Keeping the job board's cache and index in step with what they show."""

from jobboard import cache
from jobboard.models import Listing


def board_changed(sender, **kwargs):
    cache.board_changed()


def copy_district_to_listings(sender, instance, **kwargs):
    """Move an employer's listings with it when its district changes."""
    Listing.objects.filter(employer=instance).exclude(
        district=instance.district
    ).update(district=instance.district)
