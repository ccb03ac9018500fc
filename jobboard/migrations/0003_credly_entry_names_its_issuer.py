"""The seeded Credly entry names its issuer too.

Credly hosts every issuer's badges on one host, so a badge there is matched
by its issuer as well as by its BadgeClass URL.
"""

from django.db import migrations, models

BADGE_CLASS_URL = (
    "https://www.credly.com/api/v1/obi/v2/issuers/"
    "7b741b5c-231d-4925-8041-c64b6846f1c8/badge_classes/"
    "c6fc4fc3-4b4c-4f95-92e2-59c29ac0e451"
)
ISSUER_URL = (
    "https://www.credly.com/api/v1/obi/v2/issuers/7b741b5c-231d-4925-8041-c64b6846f1c8"
)


def name_the_issuer(apps, schema_editor):
    RecognisedBadge = apps.get_model("jobboard", "RecognisedBadge")
    RecognisedBadge.objects.filter(
        badge_class_url=BADGE_CLASS_URL, issuer_url=""
    ).update(issuer_url=ISSUER_URL)


class Migration(migrations.Migration):
    dependencies = [("jobboard", "0002_recognised_badges")]

    operations = [
        migrations.AlterField(
            model_name="recognisedbadge",
            name="issuer_url",
            field=models.URLField(
                blank=True,
                help_text=(
                    "Without a BadgeClass URL: any badge of this issuer. With one: "
                    "only this issuer's badges of that class count (give it for "
                    "badges on a platform shared by many issuers)."
                ),
                max_length=500,
                verbose_name="issuer URL",
            ),
        ),
        migrations.RunPython(name_the_issuer, migrations.RunPython.noop),
    ]
