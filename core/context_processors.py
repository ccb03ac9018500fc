from django.conf import settings
from django_tenants.utils import get_public_schema_name


def portal(request):
    """Give every template the programme's name and the site it is on."""
    tenant = getattr(request, "tenant", None)
    on_employer_site = (
        tenant is not None and tenant.schema_name != get_public_schema_name()
    )
    return {
        "programme_name": settings.PROGRAMME_NAME,
        "programme_operator": settings.PROGRAMME_OPERATOR,
        "portal_url": settings.PORTAL_URL,
        "employer": tenant if on_employer_site else None,
    }
