from __future__ import annotations

from typing import Any

from django import forms

from tandem.forms import NHSDateInput
from tandem.programmes.models import (
    Level,
    MilestoneKind,
    Participant,
    Profession,
    Programme,
    Role,
    Service,
)
from tandem.programmes.selectors import organisation_services
from tandem.uploads import ImportFileField


class ParticipantImportForm(forms.Form):
    file = ImportFileField(
        label="Participant list (CSV or XLSX)",
        help_text="Columns: name, email, profession, level, locality, service, programme role, pair.",
    )


class ImportConfirmForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)


class ServicesImportForm(forms.Form):
    file = ImportFileField(
        label="Localities and services (CSV or XLSX)",
        help_text="Columns: locality, service. One service a row.",
    )


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label="Phase", choices=MilestoneKind.choices)
    title = forms.CharField(label="Title", max_length=200)
    start_date = forms.DateField(label="Start date", widget=NHSDateInput)
    end_date = forms.DateField(
        label="End date",
        required=False,
        widget=NHSDateInput,
        help_text="Leave empty for a single day.",
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        return data


class ParticipantChoiceField(forms.ModelChoiceField[Participant]):
    def label_from_instance(self, obj: Participant) -> str:
        service = f" – {obj.person.service.name}" if obj.person.service else ""
        return f"{obj.person.name}{service}"


class PairForm(forms.Form):
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), empty_label="Choose a service"
    )
    doctor = ParticipantChoiceField(
        label="Doctor", queryset=Participant.objects.none(), empty_label="Choose a doctor"
    )
    manager = ParticipantChoiceField(
        label="Manager", queryset=Participant.objects.none(), empty_label="Choose a manager"
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = organisation_services(  # type: ignore[attr-defined]
            programme=programme
        )
        members = (
            Participant.objects.filter(programme=programme)
            .exclude(role=Role.COMPARISON)  # not in the programme
            .active()
            .select_related("person__service")
        )
        # Every member is offered, so that choosing the wrong profession gets a clear error
        # rather than an empty list.
        self.fields["doctor"].queryset = members  # type: ignore[attr-defined]
        self.fields["manager"].queryset = members  # type: ignore[attr-defined]


class PersonInviteForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(
        label="E-mail address",
        help_text="They are sent a link to choose a password. Nobody is ever sent a password.",
    )
    role = forms.ChoiceField(label="Role in the programme", choices=Role.choices)
    profession = forms.ChoiceField(label="Profession", choices=Profession.choices)
    level = forms.ChoiceField(label="Level", choices=Level.choices)
    service = forms.ModelChoiceField(
        label="Service (optional)",
        queryset=Service.objects.none(),
        required=False,
        empty_label="No service",
        help_text="The service a lead consultant or service manager leads.",
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            organisation=programme.organisation, retired_at__isnull=True
        ).select_related("locality")


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role in the programme", choices=Role.choices)


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label="Left on",
        widget=NHSDateInput,
        help_text=(
            "What they gave stays. From this date they are left out of questionnaires not yet "
            "open and of every reminder."
        ),
    )
