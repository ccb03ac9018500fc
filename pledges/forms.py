from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.validators import reject_invisible_characters
from employers.models import District, Domain, Employer, Sector, SizeBand
from employers.validators import (
    SLUG_MAX_LENGTH,
    normalise_postcode,
    validate_slug,
)
from pledges.models import COMMITMENTS, Pledge

STATEMENT_MAX_LENGTH = 1000


def slug_is_taken(slug):
    return (
        Employer.objects.filter(slug=slug).exists()
        or Domain.objects.filter(domain=f"{slug}.{settings.PORTAL_DOMAIN}").exists()
    )


def suggest_slug(name):
    """Return a free sub-domain name made from an organisation's name."""
    base = slugify(name)[:SLUG_MAX_LENGTH].strip("-") or "employer"
    candidate, number = base, 1
    while slug_is_taken(candidate) or _is_invalid(candidate):
        number += 1
        suffix = f"-{number}"
        candidate = f"{base[: SLUG_MAX_LENGTH - len(suffix)].strip('-')}{suffix}"
    return candidate


def _is_invalid(slug):
    try:
        validate_slug(slug)
    except forms.ValidationError:
        return True
    return False


def with_prompt(choices):
    """Put a blank first option on a list, so that nothing is chosen for you."""
    return [("", _("Choose…")), *choices.choices]


class CommitmentsMixin:
    """Validation shared by every form that sets a pledge's commitments."""

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(field) for field in COMMITMENTS):
            raise forms.ValidationError(
                "Choose at least one commitment: the pledge is a promise to "
                "do at least one of these things."
            )
        return cleaned


class SignPledgeForm(CommitmentsMixin, forms.Form):
    """Everything an employer gives when it signs the pledge."""

    name = forms.CharField(label=_("Organisation name"), max_length=120)
    slug = forms.CharField(
        label=_("Your portal address"),
        max_length=SLUG_MAX_LENGTH + 20,
        required=False,
        help_text=_(
            "Your organisation's own site on the portal. Lower-case letters, "
            "digits and hyphens; left empty, it is made from your name."
        ),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=with_prompt(Sector))
    size_band = forms.ChoiceField(
        label=_("Number of staff"), choices=with_prompt(SizeBand)
    )
    district = forms.ChoiceField(label=_("District"), choices=with_prompt(District))
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=150)
    contact_email = forms.EmailField(label=_("Contact email"))
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=30, required=False
    )
    recognise_in_recruitment = forms.BooleanField(
        label=COMMITMENTS["recognise_in_recruitment"], required=False
    )
    recognise_in_development = forms.BooleanField(
        label=COMMITMENTS["recognise_in_development"], required=False
    )
    create_inhouse_badges = forms.BooleanField(
        label=COMMITMENTS["create_inhouse_badges"], required=False
    )
    mark_job_adverts = forms.BooleanField(
        label=COMMITMENTS["mark_job_adverts"], required=False
    )
    public_statement = forms.CharField(
        label=_("Public statement (optional)"),
        max_length=STATEMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the pledge wall beside your name."),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        reject_invisible_characters(name)
        return name

    def clean_contact_name(self):
        name = self.cleaned_data["contact_name"]
        reject_invisible_characters(name)
        return name

    def clean_public_statement(self):
        statement = self.cleaned_data["public_statement"]
        reject_invisible_characters(statement)
        return statement

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        if not slug:
            return ""
        validate_slug(slug)
        if slug_is_taken(slug):
            raise forms.ValidationError(
                "“%(slug)s” is already taken; try another address.",
                params={"slug": slug},
            )
        return slug

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"]
        return normalise_postcode(postcode) if postcode.strip() else ""

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("slug")
            and cleaned.get("name")
            and "slug" not in self.errors
        ):
            cleaned["slug"] = suggest_slug(cleaned["name"])
        return cleaned

    def employer_data(self):
        fields = [
            "sector",
            "size_band",
            "district",
            "postcode",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        return {field: self.cleaned_data[field] for field in fields}

    def pledge_data(self):
        fields = [*COMMITMENTS, "public_statement"]
        return {field: self.cleaned_data[field] for field in fields}


class UpdatePledgeForm(CommitmentsMixin, forms.ModelForm):
    class Meta:
        model = Pledge
        fields = [*COMMITMENTS, "public_statement"]
        widgets = {"public_statement": forms.Textarea(attrs={"rows": 4})}

    def clean_public_statement(self):
        statement = self.cleaned_data["public_statement"]
        reject_invisible_characters(statement)
        if len(statement) > STATEMENT_MAX_LENGTH:
            raise forms.ValidationError(
                "Keep the statement to %(max)d characters or fewer.",
                params={"max": STATEMENT_MAX_LENGTH},
            )
        return statement


class WithdrawPledgeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional, seen by the programme team)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, withdraw our pledge and take us off the pledge wall"),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class WallSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    district = forms.ChoiceField(
        label=_("District"),
        choices=[("", _("All districts")), *District.choices],
        required=False,
    )
