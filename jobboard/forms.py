from django import forms
from django.utils.translation import gettext_lazy as _

from employers.models import District


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Job title"), required=False, max_length=100)
    badge = forms.CharField(
        label=_("Accepts the badge"), required=False, max_length=150
    )
    skill = forms.CharField(label=_("Skill"), required=False, max_length=40)
    district = forms.ChoiceField(
        label=_("District"),
        required=False,
        choices=[("", _("Any district")), *District.choices],
    )
    employer = forms.CharField(label=_("Employer"), required=False, max_length=100)
