from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case, IntegerField, QuerySet, Value, When

from tandem.coding.models import Code, CodeColour


class CodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A code, labelled by its place in the tree ("Meetings › Decisions")."""

    def __init__(self, *args: Any, paths: dict[int, str], **kwargs: Any) -> None:
        self.paths = paths
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Code) -> str:
        return self.paths.get(obj.pk, obj.name)


class CodesChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, paths: dict[int, str], **kwargs: Any) -> None:
        self.paths = paths
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Code) -> str:
        return self.paths.get(obj.pk, obj.name)


def _ordered(codes: QuerySet[Code], paths: dict[int, str]) -> QuerySet[Code]:
    # The queryset's order is the order of the choices: the tree's, depth first, which is the
    # order of `paths` (built from `selectors.flatten`).
    order = list(paths)
    if not order:
        # An empty CASE compiles to a bare constant, which PostgreSQL reads as a column position.
        return codes.order_by("name", "pk")
    return codes.order_by(
        Case(
            *[When(pk=pk, then=Value(i)) for i, pk in enumerate(order)],
            default=Value(len(order)),
            output_field=IntegerField(),
        )
    )


class CodeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the code means, and when to use it, so that coding stays consistent.",
    )
    parent = CodeChoiceField(
        label="Put it under another code (optional)",
        queryset=Code.objects.none(),
        required=False,
        empty_label="No: a top-level code",
        paths={},
    )
    colour = forms.ChoiceField(
        label="Colour (optional)",
        required=False,
        choices=[("", "No colour"), *CodeColour.choices],
    )

    def __init__(
        self,
        *args: Any,
        codes: QuerySet[Code],
        paths: dict[int, str],
        exclude: set[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, CodeChoiceField)
        parent.paths = paths
        parent.queryset = _ordered(codes.exclude(pk__in=exclude or set()), paths)


class ExcerptForm(forms.Form):
    quote = forms.CharField(
        label="Passage to code",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Copy the words from the text above and paste them here. "
        "Leave this empty to code the whole text.",
    )
    codes = CodesChoiceField(
        label="Codes",
        queryset=Code.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        paths={},
        error_messages={"required": "Choose at least one code for this passage."},
    )

    def __init__(
        self, *args: Any, codes: QuerySet[Code], paths: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["codes"]
        assert isinstance(field, CodesChoiceField)
        field.paths = paths
        field.queryset = _ordered(codes, paths)


class ApproveForm(forms.Form):
    release_text = forms.CharField(
        label="Text to release (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shorten or anonymise the passage further if you need to. "
        "Names, contact details, NHS numbers, dates and postcodes are taken out again when you "
        "approve.",
    )
    also_redact = forms.CharField(
        label="Also take out (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Words or phrases that could identify someone, one on each line: a name the "
        "automatic redaction missed, a nickname, a team or a place. Each becomes [redacted] "
        "wherever it appears in this passage.",
    )

    def phrases(self) -> list[str]:
        """The lines of "Also take out", trimmed, without blanks (call after `is_valid`)."""
        text = self.cleaned_data.get("also_redact", "") if hasattr(self, "cleaned_data") else ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class AcceptSuggestionForm(CodeForm):
    """Accepting a theme suggestion makes a code: the same fields as adding one."""
