from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from badges.images import clean_badge_image
from badges.models import BadgeClass, Invitation
from core.validators import reject_invisible_characters

EVIDENCE_SIGNATURES = {
    b"%PDF-": "pdf",
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
}
CSV_MAX_BYTES = 2 * 1024 * 1024


class BadgeForm(forms.ModelForm):
    image = forms.FileField(
        label=_("Image (PNG or SVG, up to 1 MB)"),
        required=False,
        help_text=_("Leave empty for a design made from the badge's name."),
    )
    tags = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=400,
        help_text=_("Separate skills with commas, e.g. teamwork, adaptability."),
    )

    class Meta:
        model = BadgeClass
        fields = [
            "name",
            "description",
            "criteria",
            "tags",
            "valid_for_days",
            "staff_can_claim",
            "evidence_required",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "criteria": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tags)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        reject_invisible_characters(name)
        return name

    def clean_tags(self):
        tags = [tag.strip() for tag in self.cleaned_data["tags"].split(",")]
        tags = list(dict.fromkeys(tag for tag in tags if tag))
        if any(len(tag) > 40 for tag in tags):
            raise forms.ValidationError("Keep each skill to 40 characters or fewer.")
        return tags

    def clean_valid_for_days(self):
        days = self.cleaned_data["valid_for_days"]
        if days is not None and not 1 <= days <= 3650:
            raise forms.ValidationError("Use between 1 and 3650 days, or leave empty.")
        return days

    def clean_image(self):
        upload = self.cleaned_data["image"]
        return clean_badge_image(upload) if upload else None

    def badge_data(self):
        return {field: self.cleaned_data[field] for field in self.Meta.fields}


class ClaimForm(forms.Form):
    narrative = forms.CharField(
        label=_("What did you do to earn this badge?"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    evidence_url = forms.URLField(
        label=_("Link to evidence (optional)"), max_length=500, required=False
    )
    evidence_file = forms.FileField(
        label=_("Evidence file (optional: PDF, PNG or JPEG, up to 5 MB)"),
        required=False,
    )

    def __init__(self, *args, badge, **kwargs):
        super().__init__(*args, **kwargs)
        self.badge = badge

    def clean_evidence_url(self):
        url = self.cleaned_data["evidence_url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Give a web address starting with https://.")
        return url

    def clean_evidence_file(self):
        upload = self.cleaned_data["evidence_file"]
        if not upload:
            return None
        if upload.size > settings.EVIDENCE_FILE_MAX_BYTES:
            raise forms.ValidationError("Evidence files must be 5 MB or smaller.")
        head = upload.read(16)
        upload.seek(0)
        kind = next(
            (
                kind
                for magic, kind in EVIDENCE_SIGNATURES.items()
                if head.startswith(magic)
            ),
            None,
        )
        if kind is None:
            raise forms.ValidationError("Upload a PDF, PNG or JPEG file.")
        upload.name = f"evidence.{kind}"
        return upload

    def clean(self):
        cleaned = super().clean()
        has_evidence = any(
            cleaned.get(field)
            for field in ("narrative", "evidence_url", "evidence_file")
        )
        if self.badge.evidence_required and not has_evidence and not self.errors:
            raise forms.ValidationError(
                "This badge needs evidence: describe what you did, or add a link "
                "or a file."
            )
        return cleaned


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve and award")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the claimant"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == "decline"
            and not cleaned.get("comment", "").strip()
        ):
            raise forms.ValidationError(
                "Say why you are declining, so the claimant knows what to do next."
            )
        return cleaned


class AwardForm(forms.Form):
    recipient_name = forms.CharField(label=_("Name"), max_length=150)
    recipient_email = forms.EmailField(label=_("Email"))
    evidence_narrative = forms.CharField(
        label=_("Evidence (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_url = forms.URLField(
        label=_("Link to evidence (optional)"), max_length=500, required=False
    )


class BulkAwardForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One row per person: name, email and, optionally, evidence. A first "
            "row of column names is fine."
        ),
    )

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError("CSV files must be 2 MB or smaller.")
        return upload.read()


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (published with the revocation)"), max_length=500
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Invitation.Role.choices)


class NewAccountForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"), widget=forms.PasswordInput
    )
    password2 = forms.CharField(
        label=_("The password again"), widget=forms.PasswordInput
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
