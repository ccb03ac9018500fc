"""Development tooling for the portal (not part of the product).

- ``dev.services``: embedded PostgreSQL and Redis for ``portal.py``.
- ``dev.mailcatcher``: an SMTP server that saves each message as an ``.eml`` file.
"""
