from __future__ import annotations

from django import forms

from tandem.operations.scheduling import WEEKDAY_NAMES


class JobForm(forms.Form):
    enabled = forms.TypedChoiceField(
        label="Run this job?",
        choices=[("yes", "Yes, on the days below"), ("no", "No, switch it off")],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="On which days?",
        choices=[(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)],
        widget=forms.CheckboxSelectMultiple,
        coerce=int,
        required=False,
    )
    time_of_day = forms.TimeField(
        label="At what time?",
        help_text="24-hour clock, UK time, for example 09:00",
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "nhsuk-input--width-5"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("enabled") and not data.get("weekdays"):
            self.add_error("weekdays", "Choose at least one day, or switch the job off.")
        return data
