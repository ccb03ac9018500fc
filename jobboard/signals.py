"""Keeping the job board's cache in step with what it shows."""

from jobboard import cache


def board_changed(sender, **kwargs):
    cache.board_changed()
