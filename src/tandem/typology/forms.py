"""Forms for the type indicator, best-fit confirmation and a type assessed elsewhere."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.analysis.typology import PAIRS
from tandem.typology.indicator import Indicator


class IndicatorForm(forms.Form):
    """One five-way choice per item, in the bank's (interleaved) order."""

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        total = len(indicator.items)
        for number, item in enumerate(indicator.items, start=1):
            self.fields[item.id] = forms.TypedChoiceField(
                label=f"Question {number} of {total}: which is more like you at work?",
                choices=[(str(value), label) for value, label in indicator.options_for(item)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Question {number}: choose the answer closer to how you work."
                },
            )

    def answers(self) -> dict[str, int]:
        return {item_id: int(value) for item_id, value in self.cleaned_data.items()}


class BestFitForm(forms.Form):
    """One letter per preference pair, starting from the reported letter where there is one."""

    def __init__(self, *args: Any, reported: str, current: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index, pair in enumerate(PAIRS):
            letter = reported[index]
            start = current[index] if current else letter
            hint = (
                f"Your result: {pair.name_of(letter)} ({letter})."
                if letter in pair.letters
                else "Your result showed no clear preference here: choose the one that fits you better."
            )
            self.fields[pair.id] = forms.ChoiceField(
                label=f"{pair.first_name} or {pair.second_name}",
                choices=[
                    (pair.first, f"{pair.first_name} ({pair.first})"),
                    (pair.second, f"{pair.second_name} ({pair.second})"),
                ],
                initial=start if start in pair.letters else None,
                help_text=hint,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose {pair.first_name} or {pair.second_name}."},
            )

    def best_fit(self) -> str:
        return "".join(self.cleaned_data[pair.id] for pair in PAIRS)


class ExternalTypeForm(forms.Form):
    type_code = forms.CharField(
        label="Four-letter type",
        max_length=4,
        min_length=4,
        help_text="One letter from each pair, in order: E or I, S or N, T or F, J or P. "
        "For example, ISTJ.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    source = forms.CharField(
        label="Where was it assessed?",
        max_length=200,
        help_text="For example “Licensed MBTI® Step I with a qualified practitioner, 2023”. "
        "It is shown beside the type wherever the type appears.",
    )
