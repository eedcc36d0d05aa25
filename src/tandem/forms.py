"""Django forms drawn with the NHS.UK design system's macros.

`nhsuk_params` turns a bound field into the parameter mapping the matching nhsuk-frontend-jinja
macro expects, so templates write `{{ field(form.email) }}` and get the label, hint, error message
and error styling the design system asks for, with no JavaScript needed.
"""

from __future__ import annotations

from typing import Any

from django import forms

_INPUT_TYPES = {
    forms.EmailInput: "email",
    forms.PasswordInput: "password",
    forms.NumberInput: "number",
    forms.DateInput: "date",
    forms.URLInput: "url",
}


class NHSDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def component_for(bound_field: forms.BoundField) -> str:
    widget = bound_field.field.widget
    # CheckboxSelectMultiple is a subclass of RadioSelect in Django, so it is tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


def nhsuk_params(bound_field: forms.BoundField, **overrides: Any) -> dict[str, Any]:
    field = bound_field.field
    widget = field.widget
    errors = bound_field.errors
    params: dict[str, Any] = {
        "id": bound_field.auto_id,
        "name": bound_field.html_name,
        "label": {"text": str(bound_field.label)},
        "hint": {"text": str(field.help_text)} if field.help_text else None,
        "errorMessage": {"text": " ".join(str(e) for e in errors)} if errors else None,
        "attributes": {k: v for k, v in widget.attrs.items() if k not in {"class"}},
    }
    component = component_for(bound_field)
    value = bound_field.value()
    if component in {"radios", "checkboxes", "select"}:
        selected = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
        items = []
        for choice_value, choice_label in field.choices:  # type: ignore[attr-defined]
            choice_value = getattr(choice_value, "value", choice_value)
            item: dict[str, Any] = {"value": str(choice_value), "text": str(choice_label)}
            key = "checked" if component != "select" else "selected"
            item[key] = str(choice_value) in selected and value not in (None, "")
            items.append(item)
        params["items"] = items
        if component != "select":
            params["idPrefix"] = bound_field.auto_id
            params["fieldset"] = {
                "legend": {"text": str(bound_field.label), "size": "s"},
            }
            del params["label"]
            del params["id"]
    elif component == "checkbox":
        params["items"] = [
            {
                "value": "on",
                "text": str(bound_field.label),
                "checked": bool(value),
                "id": bound_field.auto_id,
            }
        ]
        params["idPrefix"] = bound_field.auto_id
        del params["label"]
    elif component in {"input", "textarea"}:
        if value not in (None, "") and not isinstance(widget, forms.PasswordInput):
            params["value"] = (
                widget.format_value(value) if hasattr(widget, "format_value") else value
            )
        params["type"] = next(
            (t for cls, t in _INPUT_TYPES.items() if isinstance(widget, cls)), "text"
        )
        if field.required:
            params["attributes"]["required"] = True
        autocomplete = widget.attrs.get("autocomplete")
        if autocomplete:
            params["autocomplete"] = autocomplete
            params["attributes"].pop("autocomplete", None)
    params.update(overrides)
    return params


def error_summary_items(form: forms.BaseForm) -> list[dict[str, str]]:
    """Every error on the form, each linking to its field, for the error summary at the top."""
    items: list[dict[str, str]] = []
    for error in form.non_field_errors():
        items.append({"text": str(error)})
    for bound_field in form:
        for error in bound_field.errors:
            target = bound_field.auto_id
            items.append({"text": str(error), "href": f"#{target}"})
    return items
