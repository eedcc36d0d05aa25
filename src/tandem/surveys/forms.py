from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from tandem.forms import NHSDateInput
from tandem.programmes.models import Profession, Role
from tandem.surveys.instruments import shipped_instruments
from tandem.surveys.models import WaveKind


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
