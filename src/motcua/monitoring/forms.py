from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PlanRun


class PlanRunForm(forms.Form):
    name = forms.CharField(label=_("Name of the scenario"), max_length=200)
    model = forms.ChoiceField(label=_("Question"), choices=PlanRun.Model.choices)
    weight = forms.ChoiceField(label=_("Demand"), choices=PlanRun.Weight.choices)
    p = forms.IntegerField(label=_("Number of sites (p)"), min_value=1, max_value=500, required=False)
    remove = forms.IntegerField(
        label=_("Reception points to close (k)"), min_value=0, max_value=500, initial=0
    )
    open_new = forms.IntegerField(
        label=_("Reception points to upgrade to branches (m)"), min_value=0, max_value=500, initial=0
    )
    new_sites = forms.IntegerField(
        label=_("New sites to open, at most"), min_value=0, max_value=500, initial=0, required=False
    )
    capacity = forms.BooleanField(
        label=_("Counters limit each unit (dossier history, Erlang C)"), required=False
    )
    max_minutes = forms.FloatField(
        label=_("Travel time standard (minutes)"), min_value=1, max_value=240, initial=30
    )
    max_km = forms.FloatField(
        label=_("Distance standard (km)"), min_value=0.1, max_value=100, initial=5, required=False
    )
    combine = forms.ChoiceField(
        label=_("Covered when"),
        choices=[("or", _("time OR distance is met")), ("and", _("time AND distance are met"))],
    )
    time_limit = forms.FloatField(
        label=_("Solver time limit (seconds)"), min_value=1, max_value=600, initial=60
    )

    def clean_new_sites(self) -> int:
        return self.cleaned_data.get("new_sites") or 0
