"""Forms of the staff pages. They only parse what the officer typed into the services' inputs; every
rule (required papers, jurisdiction, who may act) is checked by the services, whose problems come back
to the named fields here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticError

from motcua.catalog.models import Component, PaperForm
from motcua.dossiers.lifecycle import ActionRecord
from motcua.dossiers.models import Channel
from motcua.dossiers.services import Applicant, IntakeRequest, PaperIn
from motcua.errors import MotcuaError

from . import text

# Service problem fields → form field names.
PROBLEM_FIELDS = {
    "applicant.name": "applicant_name",
    "applicant.id_number": "applicant_id_number",
    "applicant.phone": "applicant_phone",
    "applicant.email": "applicant_email",
    "applicant.address": "applicant_address",
}


class IntakeForm(forms.Form):
    """The counter's intake form. Fields are optional here: the service names what is missing."""

    unit = forms.ChoiceField(label=_("Receiving unit"), required=False)
    procedure = forms.CharField(label=_("Procedure"), max_length=40, required=False)
    subject_jurisdiction = forms.CharField(label=_("Commune of the matter"), max_length=16, required=False)
    applicant_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    applicant_id_number = forms.CharField(label=_("ID number"), max_length=20, required=False)
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    # checked by the service with the other fields, so that every problem shows in one round
    applicant_email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False, widget=forms.EmailInput()
    )
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    request_text = forms.CharField(
        label=_("Request"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    channel = forms.TypedChoiceField(
        label=_("Channel"),
        coerce=int,
        initial=Channel.IN_PERSON,
        choices=[(Channel.IN_PERSON, _("In person")), (Channel.POST, _("Public postal service"))],
    )
    shipment_number = forms.CharField(
        label=_("Shipment number (by post)"),
        max_length=40,
        required=False,
        help_text=_("Received by post: the number on the postal label, if any."),
        widget=forms.TextInput(attrs={"aria-describedby": "shipment-number-help", "autocomplete": "off"}),
    )
    return_mode = forms.ChoiceField(
        label=_("Return of the result"),
        initial="unit",
        widget=forms.RadioSelect,
        choices=[("unit", _("At a unit")), ("post", _("By post"))],
    )
    return_unit = forms.ChoiceField(label=_("Return point"), required=False)
    return_address = forms.CharField(label=_("Delivery address"), max_length=300, required=False)
    decision = forms.ChoiceField(
        label=_("Decision"),
        initial="receive",
        widget=forms.RadioSelect,
        choices=[
            ("receive", _("Complete: receive and give an appointment (Form 01)")),
            ("supplement", _("Incomplete: request a supplement (Form 02)")),
            ("refuse", _("Not eligible: refuse (Form 03)")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    missing_note = forms.CharField(label=_("Note on the missing papers"), max_length=500, required=False)

    def __init__(self, *args, units=(), return_points=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, _unit_choice(u)) for u in units]
        self.fields["return_unit"].choices = [(u.code, _unit_choice(u)) for u in return_points]
        if units and not self.is_bound:
            self.initial.setdefault("unit", units[0].code)
            self.initial.setdefault("return_unit", units[0].code)

    def intake_request(self, papers: list[PaperIn]) -> IntakeRequest:
        data = self.cleaned_data
        by_post = data["return_mode"] == "post"
        return IntakeRequest(
            unit=data["unit"],
            procedure=data["procedure"].strip(),
            subject_jurisdiction=data["subject_jurisdiction"].strip(),
            applicant=Applicant(
                name=data["applicant_name"],
                id_number=data["applicant_id_number"],
                phone=data["applicant_phone"],
                email=data["applicant_email"],
                address=data["applicant_address"],
            ),
            papers=papers,
            channel=data["channel"],
            return_unit="" if by_post else data["return_unit"],
            return_by_post=by_post,
            return_address=data["return_address"],
            shipment_number=data["shipment_number"],
            request_text=data["request_text"],
            decision=data["decision"],
            reason=data["reason"],
            missing_note=data["missing_note"],
        )

    def add_problems(self, error: MotcuaError, papers: list[PaperIn], rows: list[ChecklistRow]) -> None:
        """Show the service's problems next to the fields (papers next to their checklist row)."""
        by_code = {row.component.code: row for row in rows}
        for problem in error.problems:
            if problem.where.startswith("papers["):
                index = int(problem.where[len("papers[") : -1])
                row = by_code.get(papers[index].component) if index < len(papers) else None
                if row is not None:
                    row.error = text.reason(problem)
                    continue
            name = PROBLEM_FIELDS.get(problem.field, problem.field)
            self.add_error(name if name in self.fields else None, text.reason(problem))
        self.add_error(None, text.message(error))


def _unit_choice(unit) -> str:
    """A unit in the page's language, with its code (officers know units by both)."""
    return f"{text.pick(unit.name_vi, unit.name_en)} ({unit.code})"


@dataclass
class ChecklistRow:
    """One component of the procedure version as the officer checked it."""

    component: Component
    received: bool
    form: str
    quantity: str
    reused: bool
    error: str = ""


FORM_CHOICES = PaperForm.choices


def checklist_rows(components: list[Component], data=None) -> list[ChecklistRow]:
    """Rows from the submitted form (`data`) or, before submission, from the catalog's defaults."""
    rows = []
    for component in components:
        code = component.code
        if data is None:
            rows.append(ChecklistRow(component, False, component.form, str(component.quantity), False))
        else:
            rows.append(
                ChecklistRow(
                    component,
                    data.get(f"paper_{code}") == "on",
                    data.get(f"form_{code}", component.form),
                    data.get(f"qty_{code}", str(component.quantity)),
                    data.get(f"reused_{code}") == "on",
                )
            )
    return rows


_DIGITS = re.compile(r"[0-9]{1,6}")  # ASCII digits only (str.isdigit and int() take other scripts' digits)


def papers_from(rows: list[ChecklistRow]) -> list[PaperIn] | None:
    """The received papers, or None when a quantity is not a number (the row shows why)."""
    papers, valid = [], True
    for row in rows:
        if not row.received:
            continue
        if not _DIGITS.fullmatch(row.quantity.strip()):
            row.error, valid = str(_("The quantity must be a whole number.")), False
            continue
        papers.append(PaperIn(row.component.code, row.form, int(row.quantity), row.reused))
    return papers if valid else None


# --- lifecycle actions ------------------------------------------------------------------------------


class ActionInvalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def action_params(record: ActionRecord, data, components: list[Component]) -> dict[str, Any]:
    """The parameters of an action as the API's schemas validate them; ActionInvalid names the fields."""
    given = _raw_params(record, data, components)
    try:
        model = record.params.model_validate(given)
    except PydanticError as error:
        raise ActionInvalid({_field_of(item): _message_of(item) for item in error.errors()}) from None
    return model.model_dump(mode="json", exclude_none=True)


def _raw_params(record: ActionRecord, data, components: list[Component]) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for name in record.form_fields:
        if name == "missing":
            chosen = set(data.getlist("missing"))
            note = data.get("missing_note", "")
            given["missing"] = [
                {"code": c.code, "name_vi": c.name_vi, "name_en": c.name_en, "note": note}
                for c in components
                if c.code in chosen
            ]
        elif name == "papers":  # the components brought, in their checklist form, one of each
            chosen = set(data.getlist("papers"))
            given["papers"] = [{"component": c.code, "form": c.form} for c in components if c.code in chosen]
        elif name == "online":
            given["online"] = data.get("online") == "on"
        elif name == "new_due_at":
            given["new_due_at"] = local_moment(data.get("new_due_at", ""))
        elif name in ("delivered_at", "returned_at"):  # empty: now
            moment = data.get(name, "").strip()
            if moment:
                given[name] = local_moment(moment)
        elif name == "amount_vnd":
            amount = data.get("amount_vnd", "").strip()
            if amount:
                given["amount_vnd"] = amount
        else:
            given[name] = data.get(name, "").strip()
    return given


def local_moment(value: str) -> datetime | str:
    """<input type="datetime-local"> gives a wall-clock time in the province's zone."""
    try:
        return timezone.make_aware(datetime.fromisoformat(value.strip()))
    except ValueError:
        return value


def _field_of(item: dict) -> str:
    return str(item["loc"][0]) if item["loc"] else "form"


def _message_of(item: dict) -> str:
    if item["type"] in ("string_too_short", "missing"):
        return str(_("This field is required."))
    if item["type"].startswith("datetime") or item["type"] == "timezone_aware":
        return str(_("Enter a date and time."))
    return str(_("Invalid value."))
