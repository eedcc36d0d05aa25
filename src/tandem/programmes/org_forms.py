"""Forms for setting up an organisation: its name, localities, services and administrators."""

from __future__ import annotations

from django import forms

from tandem.programmes.models import Locality, Organisation


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        help_text="As people know it, for example “Riverside and Fells NHS Foundation Trust”.",
    )
    short_name = forms.CharField(
        label="Short name (optional)",
        max_length=60,
        required=False,
        help_text="Shown where space is short, for example “Riverside and Fells”.",
    )


class LocalityForm(forms.Form):
    name = forms.CharField(
        label="Locality name",
        max_length=200,
        help_text="A place or division the services are grouped by, for example “The Fells”.",
    )


class ServiceForm(forms.Form):
    locality = forms.ModelChoiceField(
        label="Locality", queryset=Locality.objects.none(), empty_label="Choose a locality"
    )
    name = forms.CharField(label="Service name", max_length=200)

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["locality"].queryset = Locality.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, retired_at__isnull=True
        )


class AdministratorForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        help_text=(
            "They can then set up this organisation's localities, services and programmes. "
            "It gives them no role in any programme. Someone new is sent a link to set a password."
        ),
    )
    name = forms.CharField(
        label="Full name", max_length=200, required=False, help_text="Needed for someone new."
    )
