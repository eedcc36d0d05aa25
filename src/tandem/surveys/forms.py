from __future__ import annotations

from typing import Any

from django import forms
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
        choices=[(Role.PARTICIPANT, "Participants"), (Role.SPONSOR, "Sponsors")],
        initial=[Role.PARTICIPANT],
        widget=forms.CheckboxSelectMultiple,
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
        help_text="Microsoft Forms: the .xlsx from “Open results in Excel”. "
        "Qualtrics: the CSV data table. LimeSurvey: the CSV response export with question codes.",
    )
    unmatched = forms.BooleanField(
        label="These responses were collected anonymously (no e-mail column): import them unmatched",
        help_text="Unmatched responses count in this wave's feedback report, but belong to no one: "
        "they are in no response rate and are left out of before/after comparisons. A file with "
        "e-mail addresses is imported matched.",
        required=False,
    )


class ResponseMappingForm(forms.Form):
    """One select per question column of the file: which questionnaire item it holds (or none)."""

    def __init__(
        self,
        *args: Any,
        columns: list[str],
        texts: dict[str, str],
        item_choices: list[tuple[str, str]],
        initial_mapping: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        for index, column in enumerate(columns):
            label = column if not texts.get(column) else f"{column}: {texts[column]}"
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "Do not import"), *item_choices],
                initial=initial_mapping.get(column, ""),
            )

    def mapping(self) -> dict[str, str]:
        return {
            column: self.cleaned_data[f"col_{index}"]
            for index, column in enumerate(self.columns)
            if self.cleaned_data.get(f"col_{index}")
        }
