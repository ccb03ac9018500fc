import logging

from django.conf import settings
from django.db import transaction
from django_tenants.utils import get_public_schema_name
from tenant_users.tenants.utils import create_public_tenant

from employers.models import Employer

logger = logging.getLogger(__name__)


def ensure_public_site():
    """Create the public tenant, which stands for the programme, if missing."""
    public = Employer.objects.filter(schema_name=get_public_schema_name()).first()
    if public:
        return public

    with transaction.atomic():
        public, domain, _ = create_public_tenant(
            domain_url=settings.PORTAL_DOMAIN,
            owner_email=f"programme@{settings.PORTAL_DOMAIN}",
        )
        public.name = settings.PROGRAMME_NAME
        public.save(update_fields=["name"])
    logger.info("public site created domain=%s", domain.domain)
    return public


def create_programme_admin(email, password, full_name):
    """Create an account with admin rights on the public site only."""
    from accounts.models import User

    ensure_public_site()
    user = User.objects.create_superuser(
        email=email, password=password, full_name=full_name
    )
    logger.info("programme admin created user=%s", user.pk)
    return user
