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


@register.filter
def has_field_errors(form):
    """Tell whether any field of a form, not the form as a whole, has errors."""
    return any(name != "__all__" for name in form.errors)
