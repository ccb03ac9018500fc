from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from badges.models import BadgeClass
from jobboard.models import RecognisedBadge
from recruitment.models import AcceptedBadge, Advert, PresentedBadge
from recruitment.services import MAX_PRESENTED_BADGES

BADGE_FILE_MAX_BYTES = 1024 * 1024
BADGE_FILE_EXTENSIONS = ("png", "svg", "json", "jwt", "jws")
BADGE_TEXT_MAX_CHARS = 200_000
web_url = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a full web address, starting http:// or https://."),
)


class AdvertForm(forms.ModelForm):
    class Meta:
        model = Advert
        fields = ["title", "description", "location", "hours", "salary", "closes_on"]
        # A date input takes only ISO dates, whatever the page's language.
        widgets = {
            "closes_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
        }

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        unchanged = self.instance.pk and closes_on == self.instance.closes_on
        if closes_on < timezone.localdate() and not unchanged:
            raise forms.ValidationError(
                "The closing date has passed: choose today or a later date."
            )
        return closes_on


class AcceptedBadgeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Which badge"), choices=AcceptedBadge.Kind.choices)
    badge = forms.ModelChoiceField(
        label=_("Our badge"), queryset=BadgeClass.objects.none(), required=False
    )
    entry = forms.ModelChoiceField(
        label=_("Badge from the programme's catalogue"),
        queryset=RecognisedBadge.objects.all(),
        required=False,
    )
    url = forms.CharField(
        label=_("BadgeClass or issuer URL"),
        max_length=500,
        required=False,
        validators=[web_url],
        help_text=_("For another issuer's badge: the URL its badge data names."),
    )
    name = forms.CharField(
        label=_("Name to show"),
        max_length=150,
        required=False,
        help_text=_("For a badge or issuer given by URL."),
    )
    required = forms.BooleanField(
        label=_("Required (otherwise desirable)"), required=False
    )

    def __init__(self, *args, advert, **kwargs):
        super().__init__(*args, **kwargs)
        self.advert = advert
        self.fields["badge"].queryset = BadgeClass.objects.current()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        needed = {
            AcceptedBadge.Kind.OWN: ("badge", "Choose one of your badges."),
            AcceptedBadge.Kind.CATALOGUE: ("entry", "Choose a badge from the list."),
            AcceptedBadge.Kind.EXTERNAL_BADGE: ("url", "Give the badge's URL."),
            AcceptedBadge.Kind.EXTERNAL_ISSUER: ("url", "Give the issuer's URL."),
        }
        if kind in needed:
            name, message = needed[kind]
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        if not self.errors and (already := self.already_accepted(data)):
            raise forms.ValidationError(
                f"This advert already accepts “{already.name}”. Remove it first "
                "to change whether it is required."
            )
        return data

    def already_accepted(self, data):
        """Return the accepted badge this one would repeat, if any."""
        from recruitment.services import accepted_url, same_id

        kind = data["kind"]
        if kind == AcceptedBadge.Kind.CATALOGUE:
            entry = data["entry"]
            wanted_url = entry.badge_class_url or entry.issuer_url
        else:
            wanted_url = data["url"]
        accepted_badges = self.advert.accepted_badges.select_related("badge", "entry")
        for accepted in accepted_badges:
            if kind == AcceptedBadge.Kind.OWN:
                if accepted.badge_id == data["badge"].pk:
                    return accepted
                continue
            same_entry = (
                kind == AcceptedBadge.Kind.CATALOGUE
                and accepted.entry_id == data["entry"].pk
            )
            same_url = accepted.badge_id is None and same_id(
                accepted_url(accepted), wanted_url
            )
            if same_entry or same_url:
                return accepted
        return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your email"),
        help_text=_("Use the address your badges were awarded to."),
    )
    message = forms.CharField(
        label=_("Your message"), max_length=4000, widget=forms.Textarea
    )
    recipient_id = forms.CharField(
        label=_("Your badge identifier (optional)"),
        max_length=300,
        required=False,
        help_text=_(
            "Some Open Badges 3.0 credentials name you by an identifier such as "
            "did:example:… rather than your email; give it here if yours do."
        ),
    )
    badge_urls = forms.CharField(
        label=_("Links to your badges"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The web address of each hosted badge, one a line."),
    )
    badge_files = MultipleFileField(
        label=_("Badge files"),
        required=False,
        help_text=_("Baked PNG or SVG images, or JSON or JWT files; 1 MB each."),
    )
    badge_text = forms.CharField(
        label=_("Or paste an Open Badges credential"),
        required=False,
        max_length=BADGE_TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Open Badges 3.0 JSON, or a JWT."),
    )

    def __init__(self, *args, applicant=None, **kwargs):
        """``applicant``: who signed in on the main site to apply, or None.

        Their name is filled in and may be changed; their email is the one
        they confirmed, and the form takes no other.
        """
        super().__init__(*args, **kwargs)
        if applicant is not None:
            self.fields["name"].initial = applicant.name
            self.fields["email"].initial = applicant.email
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _(
                "The address you signed in with: confirmed."
            )

    def clean_badge_urls(self):
        urls = [line.strip() for line in self.cleaned_data["badge_urls"].splitlines()]
        urls = [url for url in urls if url]
        for url in urls:
            try:
                web_url(url)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"“{url[:80]}” is not a full web address starting http:// or "
                    "https://. Give one link a line."
                ) from None
            if len(url) > 500:
                raise forms.ValidationError("A badge link is at most 500 characters.")
        return urls

    def clean_badge_files(self):
        files = self.cleaned_data["badge_files"]
        for upload in files:
            extension = upload.name.rsplit(".", 1)[-1].lower()
            if "." not in upload.name or extension not in BADGE_FILE_EXTENSIONS:
                raise forms.ValidationError(
                    f"“{upload.name[:80]}” is not a badge file: choose PNG, SVG, "
                    "JSON or JWT files."
                )
            if upload.size > BADGE_FILE_MAX_BYTES:
                raise forms.ValidationError(
                    f"“{upload.name[:80]}” is larger than 1 MB; a badge file is "
                    "smaller."
                )
        return files

    def clean_badge_text(self):
        text = self.cleaned_data["badge_text"].strip()
        return text

    def clean(self):
        data = super().clean()
        presented = self.presented_badges(data)
        if not presented and not self.errors:
            raise forms.ValidationError("Present at least one badge.")
        if len(presented) > MAX_PRESENTED_BADGES:
            raise forms.ValidationError(
                f"Present at most {MAX_PRESENTED_BADGES} badges."
            )
        data["presented"] = presented
        return data

    @staticmethod
    def presented_badges(data):
        """Return the PresentedBadge fields of every badge given."""
        kind = PresentedBadge.Kind
        presented = [
            {"kind": kind.URL, "url": url} for url in data.get("badge_urls", [])
        ]
        presented += [
            {"kind": kind.FILE, "file": upload, "original_name": upload.name[:200]}
            for upload in data.get("badge_files", [])
        ]
        if text := data.get("badge_text"):
            text_kind = kind.JSON if text.startswith(("{", "[")) else kind.JWT
            presented.append({"kind": text_kind, "text": text})
        return presented


class ApplicationFilterForm(forms.Form):
    meets_required = forms.BooleanField(
        label=_("Only candidates who hold every required badge"), required=False
    )
