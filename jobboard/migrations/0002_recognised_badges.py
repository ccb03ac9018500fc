"""Seed the programme's catalogue with a few recognised badges.

The programme team manages the catalogue in the admin; these are a start.
The Credly entry is a real BadgeClass id; the regional entries name the
issuers' hosted profiles and are expected to be corrected by the programme
team once each issuer confirms its Open Badges ids.
"""

from django.db import migrations

CATALOGUE = [
    {
        "name": "Employability Skills (Level 1)",
        "issuer_name": "Cambridge Regional College",
        "issuer_url": "https://badges.camre.ac.uk/issuers/cambridge-regional-college",
        "skills": ["communication", "teamwork", "problem solving"],
        "description": "Awarded on completing CRC's employability programme: "
        "interview practice, workplace communication and teamwork.",
    },
    {
        "name": "Youth Work Volunteer",
        "issuer_name": "Cambridge City Council Youth Services",
        "badge_class_url": (
            "https://cambridge-city-council.region-of-learning.example"
            "/ob/badges/2f9c4d1e-6b3a-4f6e-9a51-0c2d7e8b1a47"
        ),
        "skills": ["safeguarding", "leadership", "youth work"],
        "description": "Forty hours of supervised volunteering in the council's "
        "youth clubs, with safeguarding training.",
    },
    {
        "name": "AWS Certified Machine Learning Engineer - Associate",
        "issuer_name": "Amazon Web Services Training and Certification",
        "badge_class_url": (
            "https://www.credly.com/api/v1/obi/v2/issuers/"
            "7b741b5c-231d-4925-8041-c64b6846f1c8/badge_classes/"
            "c6fc4fc3-4b4c-4f95-92e2-59c29ac0e451"
        ),
        "skills": ["machine learning", "cloud computing"],
        "description": "An industry certification issued through Credly.",
    },
    {
        "name": "Teamwork (21st Century Skills)",
        "issuer_name": "1EdTech example issuer",
        "badge_class_url": "https://example.com/achievements/21st-century-skills/teamwork",
        "skills": ["teamwork"],
        "description": "The Open Badges 3.0 specification's example achievement, "
        "kept to show how a 3.0 achievement is accepted.",
    },
]


def seed(apps, schema_editor):
    RecognisedBadge = apps.get_model("jobboard", "RecognisedBadge")
    for entry in CATALOGUE:
        RecognisedBadge.objects.get_or_create(name=entry["name"], defaults=entry)


def unseed(apps, schema_editor):
    RecognisedBadge = apps.get_model("jobboard", "RecognisedBadge")
    RecognisedBadge.objects.filter(name__in=[e["name"] for e in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("jobboard", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
