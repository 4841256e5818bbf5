"""The online filing form: what the applicant fills in (their name and ID number come from the
identity provider and are not fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.desk import text
from motcua.network.models import SERVICE_UNIT_KINDS, Unit

from .filing import communes


class FilingForm(forms.Form):
    subject_jurisdiction = forms.ChoiceField(label=_("Commune or ward the matter concerns"), required=False)
    request_text = forms.CharField(
        label=_("Your request"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    return_by_post = forms.BooleanField(label=_("Send the result by post"), required=False)
    return_unit = forms.ChoiceField(label=_("Collect the result at"), required=False)
    return_address = forms.CharField(label=_("Delivery address"), max_length=300, required=False)
    papers = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    notify_email = forms.BooleanField(
        label=_("Send me messages about this dossier by e-mail"), required=False
    )
    notify_sms = forms.BooleanField(label=_("Send me messages about this dossier by SMS"), required=False)

    def __init__(self, *args, components=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject_jurisdiction"].choices = [("", "—")] + [
            (j.code, f"{j.name} ({j.code})") for j in communes()
        ]
        units = Unit.objects.filter(kind__in=SERVICE_UNIT_KINDS, active=True).order_by("kind", "code")
        self.fields["return_unit"].choices = [("", "—")] + [
            (u.code, text.pick(u.name_vi, u.name_en)) for u in units
        ]
        self.fields["papers"].choices = [(c.code, c.code) for c in components]
