import unicodedata

from django.core.exceptions import ValidationError


def reject_invisible_characters(value):
    """Refuse text with invisible formatting characters (bidi overrides, zero
    widths), which can make a name display as something else."""
    if any(unicodedata.category(character) == "Cf" for character in value):
        raise ValidationError(
            "Remove the invisible formatting characters (such as direction "
            "marks or zero-width spaces) from this text."
        )
