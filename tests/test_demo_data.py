"""The demo data the README promises."""

from django.core.management import call_command
from django_tenants.utils import tenant_context

from badges.models import BadgeClass
from employers.models import Employer
from pledges.models import Pledge


def test_the_demo_data_has_the_council_its_badges_and_can_be_loaded_twice(db):
    call_command("seed_demo")
    call_command("seed_demo")

    assert Employer.objects.employers().count() == 4
    assert Pledge.objects.active().count() == 4
    council = Employer.objects.get(slug="cambridge-city-council")
    with tenant_context(council):
        names = sorted(BadgeClass.objects.values_list("name", flat=True))
        assert names == [
            "Customer Service Award",
            "Embracing Change Award",
            "Net Zero Champion",
        ]
        assert BadgeClass.objects.get(name="Customer Service Award").awards.count() == 1
