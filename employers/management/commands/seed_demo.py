"""Fill an empty portal with demo employers, pledges and accounts."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from badges import services as badge_services
from badges.models import BadgeClass
from employers.models import Employer
from employers.services import create_programme_admin, ensure_public_site
from jobboard.models import RecognisedBadge
from pledges.services import sign_pledge
from recruitment import services as recruitment_services
from recruitment.models import AcceptedBadge, Advert

DEMO_PASSWORD = "pledge-demo-2026"
ADMIN_EMAIL = "team@region-of-learning.example"

# Cambridge City Council's own examples of in-house badges.
COUNCIL_BADGES = [
    {
        "name": "Embracing Change Award",
        "description": (
            "Recognises colleagues who adapt positively to new ways of working "
            "and help others through change."
        ),
        "criteria": (
            "Show how you took on a change at work, what you learned, and how "
            "you helped a colleague or resident through it."
        ),
        "tags": ["adaptability", "resilience", "teamwork"],
        "valid_for_days": None,
        "staff_can_claim": True,
        "evidence_required": True,
    },
    {
        "name": "Net Zero Champion",
        "description": (
            "Recognises staff who lead work that cuts the council's carbon "
            "emissions or helps residents cut theirs."
        ),
        "criteria": (
            "Describe a change you led or supported that reduced carbon "
            "emissions, with its result."
        ),
        "tags": ["sustainability", "leadership", "initiative"],
        "valid_for_days": 730,
        "staff_can_claim": True,
        "evidence_required": True,
    },
    {
        "name": "Customer Service Award",
        "description": (
            "Recognises outstanding service to residents, nominated by "
            "managers from residents' feedback."
        ),
        "criteria": "Awarded by managers on residents' compliments.",
        "tags": ["customer service", "communication", "empathy"],
        "valid_for_days": 365,
        "staff_can_claim": False,
        "evidence_required": False,
    },
]

DEMO_EMPLOYERS = [
    {
        "name": "Cambridge City Council",
        "slug": "cambridge-city-council",
        "owner": ("Priya Shah", "priya.shah@cambridge-council.example"),
        "employer": {
            "sector": "public",
            "size_band": "250+",
            "district": "cambridge",
            "postcode": "CB2 1BY",
        },
        "pledge": {
            "recognise_in_recruitment": True,
            "recognise_in_development": True,
            "create_inhouse_badges": True,
            "mark_job_adverts": True,
            "public_statement": (
                "We recognise the skills our residents and staff gain "
                "everywhere, not only in the classroom."
            ),
        },
    },
    {
        "name": "Mill Road Bakery",
        "slug": "mill-road-bakery",
        "owner": ("Tom Okafor", "tom@millroadbakery.example"),
        "employer": {
            "sector": "hospitality",
            "size_band": "10-49",
            "district": "cambridge",
            "postcode": "CB1 3AN",
        },
        "pledge": {
            "recognise_in_recruitment": True,
            "mark_job_adverts": True,
            "public_statement": "Customer service is a skill; we hire for it.",
        },
    },
    {
        "name": "Fenland Fresh Produce",
        "slug": "fenland-fresh",
        "owner": ("Alice Grey", "alice.grey@fenlandfresh.example"),
        "employer": {
            "sector": "manufacturing",
            "size_band": "50-249",
            "district": "fenland",
            "postcode": "PE13 1AB",
        },
        "pledge": {
            "recognise_in_development": True,
            "create_inhouse_badges": True,
        },
    },
    {
        "name": "Huntingdon Digital Studio",
        "slug": "huntingdon-digital",
        "owner": ("Sam Lee", "sam@huntingdondigital.example"),
        "employer": {
            "sector": "technology",
            "size_band": "1-9",
            "district": "huntingdonshire",
            "postcode": "PE29 3TN",
        },
        "pledge": {"recognise_in_recruitment": True},
    },
]

# Adverts: fields, own badges and catalogue badges, each (name, required).
COUNCIL_ADVERTS = [
    (
        {
            "title": "Customer Service Adviser",
            "description": (
                "Help residents by phone and face to face at Mandela House: "
                "council tax, housing and waste questions, answered first time."
            ),
            "location": "Mandela House, Cambridge",
            "hours": "Full time, 37 hours a week",
            "salary": "£24,790 to £26,409",
        },
        [("Customer Service Award", True), ("Embracing Change Award", False)],
        [("Employability Skills (Level 1)", False)],
    ),
    (
        {
            "title": "Youth Support Worker",
            "description": (
                "Run evening sessions at the council's youth clubs, plan "
                "activities with young people and keep them safe."
            ),
            "location": "Abbey and Arbury youth centres",
            "hours": "Part time, 15 hours a week, evenings",
            "salary": "",
        },
        [],
        [("Youth Work Volunteer", True), ("Employability Skills (Level 1)", False)],
    ),
]


def verified_user(full_name, email, password):
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=password, full_name=full_name
    )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


class Command(BaseCommand):
    help = "Create demo employers, pledges and accounts; safe to run twice."

    def handle(self, *args, **options):
        ensure_public_site()
        if not User.objects.filter(email=ADMIN_EMAIL).exists():
            create_programme_admin(ADMIN_EMAIL, DEMO_PASSWORD, "Programme Team")
        verified_user("Programme Team", ADMIN_EMAIL, DEMO_PASSWORD)

        for demo in DEMO_EMPLOYERS:
            owner = verified_user(*demo["owner"], DEMO_PASSWORD)
            if Employer.objects.filter(slug=demo["slug"]).exists():
                continue
            employer_data = {
                **demo["employer"],
                "contact_name": owner.full_name,
                "contact_email": owner.email,
            }
            pledge_data = {"public_statement": "", **demo["pledge"]}
            sign_pledge(
                owner=owner,
                name=demo["name"],
                slug=demo["slug"],
                employer_data=employer_data,
                pledge_data=pledge_data,
            )
            self.stdout.write(f"Signed the pledge for {demo['name']}.")

        self.add_council_badges()
        self.add_council_adverts()

        self.print_credentials()

    def add_council_badges(self):
        council = Employer.objects.get(slug="cambridge-city-council")
        staff = verified_user(
            "Dev Patel", "dev.patel@cambridge-council.example", DEMO_PASSWORD
        )
        with tenant_context(council):
            if not council.has_member(staff):
                council.add_user(staff)
            for definition in COUNCIL_BADGES:
                if BadgeClass.objects.filter(name=definition["name"]).exists():
                    continue
                badge = badge_services.create_badge(
                    created_by=council.owner, data=definition
                )
                self.stdout.write(f"Defined {badge.name} for {council.name}.")
            service = BadgeClass.objects.get(name="Customer Service Award")
            if not service.awards.exists():
                badge_services.award_badge(
                    badge=service,
                    recipient_name=staff.full_name,
                    recipient_email=staff.email,
                    recipient=staff,
                    awarded_by=council.owner,
                    evidence_narrative="Thanked by residents for help at the "
                    "Mandela House customer service centre.",
                )

    def add_council_adverts(self):
        """Open two council adverts that accept its own and catalogue badges."""
        council = Employer.objects.get(slug="cambridge-city-council")
        with tenant_context(council):
            for advert_data, own, catalogue in COUNCIL_ADVERTS:
                if Advert.objects.filter(title=advert_data["title"]).exists():
                    continue
                closes_on = timezone.localdate() + timedelta(days=45)
                advert = recruitment_services.create_advert(
                    data={**advert_data, "closes_on": closes_on}
                )
                for name, required in own:
                    recruitment_services.accept_badge(
                        advert,
                        kind=AcceptedBadge.Kind.OWN,
                        required=required,
                        badge=BadgeClass.objects.get(name=name),
                    )
                for name, required in catalogue:
                    recruitment_services.accept_badge(
                        advert,
                        kind=AcceptedBadge.Kind.CATALOGUE,
                        required=required,
                        entry=RecognisedBadge.objects.get(name=name),
                    )
                recruitment_services.open_advert(advert)
                self.stdout.write(f"Opened the advert {advert.title}.")

    def print_credentials(self):
        write = self.stdout.write
        write("")
        write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        write(f"  programme team admin  {ADMIN_EMAIL}  {settings.PORTAL_URL}/admin/")
        write("  staff of Cambridge City Council  dev.patel@cambridge-council.example")
        for demo in DEMO_EMPLOYERS:
            employer = Employer.objects.get(slug=demo["slug"])
            name, email = demo["name"], demo["owner"][1]
            write(f"  owner of {name:<26} {email}  {employer.site_url}/")
