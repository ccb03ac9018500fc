from django.core.management.base import BaseCommand

from employers.services import ensure_public_site


class Command(BaseCommand):
    help = "Create the public site (the programme's own tenant) if it is missing."

    def handle(self, *args, **options):
        public = ensure_public_site()
        domains = ", ".join(public.domains.values_list("domain", flat=True))
        self.stdout.write(f"Public site ready on {domains}.")
