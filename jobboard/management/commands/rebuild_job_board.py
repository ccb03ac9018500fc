from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import tenant_context

from employers.models import Employer
from jobboard.models import Listing
from jobboard.services import index_advert


class Command(BaseCommand):
    help = "Rebuild the public job board from every employer's open adverts."

    def handle(self, *args, **options):
        from recruitment.models import Advert

        count = 0
        with transaction.atomic():
            Listing.objects.all().delete()
            for employer in Employer.objects.employers():
                with tenant_context(employer):
                    for advert in Advert.objects.open().prefetch_related(
                        "accepted_badges"
                    ):
                        index_advert(employer, advert)
                        count += 1
        self.stdout.write(f"Indexed {count} open advert{'s' if count != 1 else ''}.")
