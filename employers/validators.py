import re

from django.core.exceptions import ValidationError

SLUG_MIN_LENGTH = 3
SLUG_MAX_LENGTH = 40
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Sub-domains the portal keeps for itself or that would mislead visitors.
RESERVED_SLUGS = frozenset(
    """
    about account accounts admin api app assets auth badge badges blog cdn
    council dashboard dev docs email employer employers ftp health help
    imap jobs localhost login logout mail media news pledge pledges pop portal public
    register root security signup smtp static staging status support test
    wall webmail www
    """.split()
)


def validate_slug(value):
    """Check an employer's sub-domain name; say exactly what is wrong."""
    if len(value) < SLUG_MIN_LENGTH:
        raise ValidationError(
            "Use at least %(min)d characters.", params={"min": SLUG_MIN_LENGTH}
        )
    if len(value) > SLUG_MAX_LENGTH:
        raise ValidationError(
            "Use at most %(max)d characters.", params={"max": SLUG_MAX_LENGTH}
        )
    if not SLUG_PATTERN.match(value):
        raise ValidationError(
            "Use only lower-case letters, digits and single hyphens, "
            "starting and ending with a letter or digit."
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(
            "“%(slug)s” is reserved by the portal; choose another address.",
            params={"slug": value},
        )


CAMBRIDGESHIRE_POSTCODE_AREAS = ("CB", "PE", "SG8", "SG19")
POSTCODE_PATTERN = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_postcode(value):
    """Return a UK postcode in upper case with one space, or raise."""
    compact = re.sub(r"\s+", "", value.upper())
    match = POSTCODE_PATTERN.match(compact)
    if not match:
        raise ValidationError("Enter a full UK postcode, such as CB2 1BY.")

    outward, inward = match.groups()
    area = re.match(r"[A-Z]+", outward).group()
    if area not in ("CB", "PE") and outward not in CAMBRIDGESHIRE_POSTCODE_AREAS:
        raise ValidationError(
            "The pledge is for employers in Cambridgeshire and Peterborough: "
            "enter a CB, PE, SG8 or SG19 postcode."
        )
    return f"{outward} {inward}"
