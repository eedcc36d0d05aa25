from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from tandem.forms import NHSDateInput
from tandem.programmes.models import Profession, Role
from tandem.surveys.instruments import get_instrument, shipped_instruments
from tandem.surveys.models import ImportSource, WaveKind
from tandem.uploads import ImportFileField


def instrument_choices() -> list[tuple[str, str]]:
    return [
        (
            f"{instrument.id}:{instrument.version}",
            f"{instrument.title} (version {instrument.version})",
        )
        for instrument in sorted(shipped_instruments().values(), key=lambda i: (i.title, i.version))
    ]


class WaveForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example “Baseline stock take, January 2026”."
    )
    kind = forms.ChoiceField(
        label="Kind of wave", choices=WaveKind.choices, widget=forms.RadioSelect
    )
    instrument = forms.ChoiceField(label="Questionnaire", choices=instrument_choices)
    opens_on = forms.DateField(label="Opens on", widget=NHSDateInput)
    closes_on = forms.DateField(label="Closes on", widget=NHSDateInput)
    roles = forms.MultipleChoiceField(
        label="Who is invited",
        choices=[
            (Role.PARTICIPANT, "Participants"),
            (Role.SPONSOR, "Sponsors"),
            (Role.COMPARISON, "Comparison respondents (stock takes only)"),
        ],
        initial=[Role.PARTICIPANT],
        widget=forms.CheckboxSelectMultiple,
        help_text="Comparison respondents are people of the organisation outside the programme. "
        "Their answers count in no programme figure: the evaluation sets the programme group's "
        "change against theirs.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opens_on"].initial = timezone.localdate()
        # New waves default to the latest stock take (v2 adds the roster section).
        latest = get_instrument("stock-take")
        self.fields["instrument"].initial = f"{latest.id}:{latest.version}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing date must be on or after the opening date.")
        if Role.COMPARISON in (data.get("roles") or ()) and data.get("kind") == WaveKind.PULSE:
            self.add_error(
                "roles",
                "Only stock takes can invite comparison respondents: a pulse is for the "
                "programme's members.",
            )
        return data


class InterviewNoteForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example “Interview 4, service manager”."
    )
    interviewee_profession = forms.ChoiceField(
        label="Interviewee's profession",
        choices=[("", "Not recorded"), *Profession.choices],
        required=False,
        help_text="Used only to summarise themes by profession. Do not record names.",
    )
    text = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 8}), required=False)
    upload = forms.FileField(label="Or upload a transcript (.txt or .docx)", required=False)


class ResponseUploadForm(forms.Form):
    source = forms.ChoiceField(
        label="Survey tool", choices=ImportSource.choices, widget=forms.RadioSelect
    )
    file = ImportFileField(
        label="Export file",
        help_text="The responses as the tool exports them: Microsoft Forms' .xlsx (“Open results "
        "in Excel”) or CSV; Qualtrics' CSV, TSV or Excel download (choice text or numeric "
        "values, current or legacy format); LimeSurvey's CSV or Excel export (answer codes or "
        "full answers).",
    )
    unmatched = forms.BooleanField(
        label="These responses were collected anonymously (no e-mail address or token): "
        "import them unmatched",
        help_text="Unmatched responses count in this wave's feedback report, but belong to no one: "
        "they are in no response rate and are left out of before/after comparisons. A file with "
        "e-mail addresses or tokens is imported matched.",
        required=False,
    )


MATCH_BY_HINTS = {
    "email": "The address each respondent gave or was sent the survey at.",
    "token": "Needs the participant list exported from LimeSurvey: Survey participants → Export.",
    "externalreference": "Needs the contact list exported from Qualtrics, with its External "
    "Data Reference and Email columns.",
    "responseid": "Needs the distribution history downloaded from Qualtrics (Distributions → "
    "Download history), which gives each response ID its recipient's e-mail.",
}


def code_field_name(key: str, code: str) -> str:
    """An answer code's field, named by the tool's question and the code, not by their places: a
    field posted from the page before a column was matched differently still means that code."""
    return "code_" + hashlib.sha256(f"{key}\0{code}".encode()).hexdigest()[:12]


class ResponseMappingForm(forms.Form):
    """The column-matching step: who each response belongs to (the key, and the tool's participant
    list when the key is the tool's own identifier), what to do with unfinished responses, which
    questionnaire item each column holds, and what each answer code means."""

    def __init__(
        self,
        *args: Any,
        columns: list[str],
        texts: dict[str, str],
        item_choices: list[tuple[str, str]],
        initial_mapping: dict[str, str],
        match_keys: list[tuple[str, str]] | None = None,
        initial_match_by: str = "",
        incomplete_rows: int = 0,
        initial_incomplete: str = "leave_out",
        schemes: Any = None,
        initial_codes: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        self.item_ids = {item_id for item_id, _ in item_choices}
        if match_keys:
            self.fields["match_by"] = forms.ChoiceField(
                label="Match each response to the person invited by",
                choices=match_keys,
                widget=forms.RadioSelect,
                initial=initial_match_by or match_keys[0][0],
                required=False,
            )
            if any(key != "email" for key, _ in match_keys):
                self.fields["participant_list"] = ImportFileField(
                    label="Participant list exported from the survey tool (optional)",
                    help_text="Only to match by the tool's own identifier: a CSV or Excel file "
                    "with the identifier and each person's e-mail address. "
                    + " ".join(MATCH_BY_HINTS[key] for key, _ in match_keys if key != "email"),
                    required=False,
                )
        if incomplete_rows:
            self.fields["incomplete"] = forms.ChoiceField(
                label=f"{incomplete_rows} response"
                + (" was" if incomplete_rows == 1 else "s were")
                + " not finished in the survey tool",
                choices=[
                    ("leave_out", "Leave them out"),
                    (
                        "in_progress",
                        "Import them as in progress: the answers are kept for each person to "
                        "finish and submit in Tandem; until then they count as no response",
                    ),
                ],
                widget=forms.RadioSelect,
                initial=initial_incomplete,
                required=False,
            )
        for index, column in enumerate(columns):
            label = column if not texts.get(column) else f"{column}: {texts[column]}"
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "Do not import"), *item_choices],
                initial=initial_mapping.get(column, ""),
            )
        # Answer codes: one select per code of each of the tool's questions whose cells hold codes.
        # Which columns hold codes depends on which question each is matched to, so the schemes
        # come from the mapping as posted (or suggested).
        self.code_groups: list[tuple[Any, list[str]]] = []
        mapping = self.posted_mapping()
        codes = (initial_codes(mapping) if callable(initial_codes) else initial_codes) or {}
        for scheme, choices in schemes(mapping) if schemes else []:
            names = []
            for code in scheme.codes:
                name = code_field_name(scheme.key, code)
                self.fields[name] = forms.ChoiceField(
                    label=f"“{code}” means",
                    required=False,
                    choices=[("", "Choose what this code means"), *choices],
                    initial=codes.get(scheme.key, {}).get(code, ""),
                )
                names.append(name)
            self.code_groups.append((scheme, names))
        if self.is_bound:
            # A code that appears only now (its column was just matched) was not on the page
            # that was posted: it starts from its suggested meaning, shown and used alike.
            missing = [
                name for _, names in self.code_groups for name in names if name not in self.data
            ]
            if missing:
                data = QueryDict(mutable=True)
                getlist = getattr(self.data, "getlist", None)
                for key in self.data:
                    data.setlist(key, getlist(key) if getlist else [self.data[key]])
                for name in missing:
                    data[name] = self.fields[name].initial or ""
                self.data = data

    def posted_mapping(self) -> dict[str, str]:
        """The mapping as submitted (before validation) or as suggested: what the code selects need."""
        mapping = {}
        for index, column in enumerate(self.columns):
            name = f"col_{index}"
            value = self.data.get(name, "") if self.is_bound else self.fields[name].initial
            if value and value in self.item_ids:
                mapping[column] = value
        return mapping

    def chosen(self, name: str) -> str:
        """A radio's cleaned value, or its initial one when the post left it out."""
        if name not in self.fields:
            return ""
        return self.cleaned_data.get(name) or self.fields[name].initial or ""

    def column_fields(self) -> list[Any]:
        return [self[f"col_{index}"] for index in range(len(self.columns))]

    def code_fieldsets(self) -> list[tuple[Any, list[Any]]]:
        return [(scheme, [self[name] for name in names]) for scheme, names in self.code_groups]

    def codes(self) -> dict[str, dict[str, str]]:
        """{the tool's question: {code: meaning}} as chosen ("" where none was chosen)."""
        return {
            scheme.key: {
                code: self.cleaned_data.get(name, "")
                for code, name in zip(scheme.codes, names, strict=True)
            }
            for scheme, names in self.code_groups
        }

    def mapping(self) -> dict[str, str]:
        return {
            column: self.cleaned_data[f"col_{index}"]
            for index, column in enumerate(self.columns)
            if self.cleaned_data.get(f"col_{index}")
        }
