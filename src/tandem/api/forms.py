from __future__ import annotations

from django import forms

from tandem.api.limits import DEFAULT_TOKEN_DAYS

DAY_CHOICES = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("180", "180 days"),
    ("365", "1 year (the longest allowed)"),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so that you can recognise it later. For example, “monthly report script”.",
        error_messages={
            "required": "Enter a name for the token.",
            "max_length": "The name must be 100 characters or fewer.",
        },
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        choices=DAY_CHOICES,
        coerce=int,
        initial=str(DEFAULT_TOKEN_DAYS),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose when the token expires.",
            "invalid_choice": "Choose one of the periods shown.",
        },
    )
