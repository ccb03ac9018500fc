"""Bench settings for the recruitment bench: bench.settings plus a bare view
on the public site (``bench/recruitment_urls_public.py``) and loopback
fetching allowed, because the documents the verifier fetches are served by
the bench's own gunicorn on 127.0.0.1."""

from bench.settings import *  # noqa: F403

PUBLIC_SCHEMA_URLCONF = "bench.recruitment_urls_public"
BADGE_FETCH_ALLOW_LOOPBACK = True
