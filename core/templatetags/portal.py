from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def public_url(view_name, *args, **kwargs):
    """Return the absolute URL of a page of the public site, from any site."""
    path = reverse(
        view_name, args=args, kwargs=kwargs, urlconf=settings.PUBLIC_SCHEMA_URLCONF
    )
    return f"{settings.PORTAL_URL}{path}"
