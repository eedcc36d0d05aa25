"""The "Start a programme" and "Copy a programme" forms (tandem.programmes.setup)."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.forms import NHSDateInput
from tandem.programmes.models import (
    DEFAULT_REPORTING_GROUP,
    DEFAULT_TEXT_GROUP,
    MIN_REPORTING_GROUP_FLOOR,
    Organisation,
    Programme,
)
from tandem.programmes.plans import programme_templates


class ProgrammeStartForm(forms.Form):
    title = forms.CharField(label="Programme title", max_length=200)
    start_date = forms.DateField(label="Start date", widget=NHSDateInput)
    template_id = forms.ChoiceField(label="Programme template", widget=forms.RadioSelect)
    lead_email = forms.EmailField(
        label="Programme lead's e-mail address",
        max_length=254,
        help_text="Someone in this organisation. If they are new to Tandem, they are e-mailed "
        "a link to choose a password.",
    )
    lead_name = forms.CharField(
        label="Programme lead's name",
        max_length=200,
        required=False,
        help_text="Needed only if they are new to Tandem.",
    )
    min_group_size = forms.IntegerField(
        label="Smallest group whose results are shown (k)",
        initial=DEFAULT_REPORTING_GROUP,
        help_text="No figure is shown for fewer people than this, so nobody's answers can be "
        f"picked out. Never below {MIN_REPORTING_GROUP_FLOOR}.",
    )
    min_text_group_size = forms.IntegerField(
        label="Smallest group whose written answers are quoted",
        initial=DEFAULT_TEXT_GROUP,
        help_text="A quotation identifies its author more easily than a number: at least k.",
    )
    retention_months = forms.IntegerField(
        label="Months to keep personal data after the programme ends",
        initial=24,
        min_value=0,
        max_value=240,
        help_text="After this, people's names and written answers are removed; totals stay.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        templates = programme_templates()
        self.fields["template_id"].choices = [(t.id, t.title) for t in templates]  # type: ignore[attr-defined]
        if len(templates) == 1:
            self.fields["template_id"].initial = templates[0].id


class ProgrammeChoiceField(forms.ModelChoiceField[Programme]):
    def label_from_instance(self, obj: Programme) -> str:
        return f"{obj.name} (from {obj.start_date:%-d %B %Y})"


class ProgrammeCopyForm(forms.Form):
    source = ProgrammeChoiceField(
        label="Programme to copy",
        queryset=Programme.objects.none(),
        empty_label="Choose a programme",
    )
    title = forms.CharField(label="New programme's title", max_length=200)
    start_date = forms.DateField(
        label="New start date",
        widget=NHSDateInput,
        help_text="Every milestone and questionnaire moves by the same number of days.",
    )
    copy_pairs = forms.BooleanField(
        label="Copy the participants and pairs",
        required=False,
        help_text="Everyone still taking part, with the same roles and pairs. "
        "No answers, notes or results are copied.",
    )
    lead_email = forms.EmailField(
        label="New programme lead's e-mail address (optional)",
        max_length=254,
        required=False,
        help_text="Leave empty to keep the same lead.",
    )
    lead_name = forms.CharField(
        label="New programme lead's name",
        max_length=200,
        required=False,
        help_text="Needed only if they are new to Tandem.",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Programme.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        )
