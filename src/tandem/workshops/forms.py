from __future__ import annotations

from typing import Any

from django import forms

from tandem.forms import NHSDateInput
from tandem.programmes.models import Locality, Pair, Participant, Programme, Role
from tandem.surveys.models import Wave
from tandem.workshops.models import (
    USEFULNESS_MAX,
    USEFULNESS_MIN,
    ActionStatus,
    AwayDay,
    Responsibility,
)


class NHSTimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class PersonChoiceField(forms.ModelChoiceField[Participant]):
    def label_from_instance(self, obj: Participant) -> str:
        return obj.person.name


class PairChoiceField(forms.ModelChoiceField[Pair]):
    def label_from_instance(self, obj: Pair) -> str:
        return obj.service.name


class AwayDayForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title."}
    )
    date = forms.DateField(
        label="Date", widget=NHSDateInput(), error_messages={"required": "Enter the date."}
    )
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    objectives = forms.CharField(label="Objectives", widget=forms.Textarea, required=False)
    evaluation_closes_on = forms.DateField(
        label="Feedback closes on",
        widget=NHSDateInput(),
        required=False,
        help_text=(
            "People can give feedback from the day itself until the end of this date; the "
            "results are shown only after it. Leave empty for two weeks after the day."
        ),
    )


class AwayDayEditForm(AwayDayForm):
    outcomes = forms.CharField(
        label="Outcomes",
        widget=forms.Textarea,
        required=False,
        help_text="What the day achieved, in a few lines.",
    )

    def __init__(self, *args: Any, away_day: AwayDay, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["evaluation_closes_on"]
        field.required = True
        field.error_messages["required"] = "Enter the date feedback closes on."
        field.help_text = (
            "People can give feedback from the day itself until the end of this date; the "
            "results are shown only after it."
        )
        if away_day.evaluation_has_closed():
            # Shown, not editable: the service refuses to reopen a closed window anyway, and a
            # disabled field keeps the stored date whatever is posted.
            field.disabled = True
            field.widget.attrs["disabled"] = "disabled"
            field.help_text = (
                f"Feedback closed on {away_day.evaluation_closes_on:%-d %B %Y}; a closed "
                "feedback window cannot be reopened or extended."
            )


class AgendaItemForm(forms.Form):
    starts_at = forms.TimeField(
        label="Starts at",
        widget=NHSTimeInput(),
        error_messages={"required": "Enter the time the item starts."},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title."}
    )
    facilitator = forms.CharField(label="Facilitator", max_length=200, required=False)
    wave = forms.ModelChoiceField(
        label="Stock-take results to discuss",
        queryset=Wave.objects.none(),
        required=False,
        empty_label="None",
    )
    scale_id = forms.ChoiceField(label="Scale", required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        waves = Wave.objects.filter(programme=programme, released_at__isnull=False)
        self.fields["wave"].queryset = waves  # type: ignore[attr-defined]
        scales: dict[str, str] = {}
        for wave in waves:
            for scale in wave.instrument.scales.values():
                scales.setdefault(scale.id, scale.title)
        self.fields["scale_id"].choices = [("", "The whole report"), *scales.items()]  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label="Who came",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, invitations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A withdrawn (erased) person is offered in no picker; their attendance stays as recorded.
        self.fields["attended"].choices = [  # type: ignore[attr-defined]
            (str(i.participant_id), i.participant.person.name)
            for i in invitations
            if i.participant.person.erased_at is None
        ]


class MaterialForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title."}
    )
    file = forms.FileField(
        label="File",
        help_text="PDF, Word, PowerPoint, Excel, PNG or JPEG; up to 10 MB.",
        error_messages={"required": "Choose a file."},
    )


def _away_day_field(
    programme: Programme, *, required: bool = True
) -> forms.ModelChoiceField[AwayDay]:
    return forms.ModelChoiceField(
        label="Agreed at",
        queryset=AwayDay.objects.filter(programme=programme).order_by("-date"),
        empty_label="Choose an away day" if required else "None",
        required=required,
        error_messages={"required": "Choose the away day."},
    )


def _people_field(programme: Programme, label: str, *, required: bool = True) -> PersonChoiceField:
    return PersonChoiceField(
        label=label,
        queryset=Participant.objects.filter(programme=programme)
        .exclude(role=Role.COMPARISON)  # not in the programme: nobody gives them work
        .active()
        .select_related("person")
        .order_by("person__name"),
        empty_label="Choose a person" if required else "Nobody in particular",
        required=required,
        error_messages={"required": "Choose a person."},
    )


class PracticeForm(forms.Form):
    title = forms.CharField(
        label="Practice",
        max_length=200,
        error_messages={"required": "Enter a name for the practice."},
    )
    description = forms.CharField(
        label="What we do",
        widget=forms.Textarea,
        error_messages={"required": "Enter what the practice is."},
    )
    why_it_matters = forms.CharField(
        label="Why it matters",
        widget=forms.Textarea,
        error_messages={"required": "Enter why it matters."},
    )
    how_we_know = forms.CharField(
        label="How we will know it is being kept",
        widget=forms.Textarea,
        error_messages={"required": "Enter how the team will know it is kept."},
    )

    def __init__(
        self, *args: Any, programme: Programme, revising: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _people_field(programme, "Owner", required=False)
        self.fields["away_day"] = _away_day_field(programme)
        if revising:
            self.fields["retired"] = forms.BooleanField(
                label="The group has stopped this practice", required=False
            )


class MissionForm(forms.Form):
    text = forms.CharField(
        label="Mission statement",
        widget=forms.Textarea,
        error_messages={"required": "Enter the mission statement."},
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["away_day"] = _away_day_field(programme)


RESPONSIBILITY_CHOICES = [("", "Choose"), *Responsibility.choices]


class RoleAgreementForm(forms.Form):
    """One row per area: the standard areas, the pair's earlier additions and two blank rows."""

    def __init__(
        self, *args: Any, programme: Programme, areas: list[dict[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["away_day"] = _away_day_field(programme)
        self.rows: list[tuple[str, str, str, str]] = []
        for index, area in enumerate([*areas, {}, {}]):
            prefix = f"area{index}"
            fixed = bool(area.get("area"))
            self.fields[f"{prefix}_area"] = forms.CharField(
                label=f"Area {index + 1}" if not fixed else "Area",
                initial=area.get("area", ""),
                required=False,
                max_length=200,
                help_text="" if fixed else "Add an area of your own, or leave blank.",
            )
            self.fields[f"{prefix}_leads"] = forms.ChoiceField(
                label="Who leads",
                choices=RESPONSIBILITY_CHOICES,
                initial=area.get("leads", ""),
                required=False,
            )
            self.fields[f"{prefix}_supports"] = forms.ChoiceField(
                label="Who supports",
                choices=RESPONSIBILITY_CHOICES,
                initial=area.get("supports", ""),
                required=False,
            )
            self.fields[f"{prefix}_consulted"] = forms.CharField(
                label="Who is consulted",
                initial=area.get("consulted", ""),
                required=False,
                max_length=300,
            )
            self.rows.append(
                (f"{prefix}_area", f"{prefix}_leads", f"{prefix}_supports", f"{prefix}_consulted")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for area, leads, supports, _ in self.rows:
            name = (data.get(area) or "").strip()
            if name and not data.get(leads):
                self.add_error(leads, f"Choose who leads on {name}.")
            if name and not data.get(supports):
                self.add_error(supports, f"Choose who supports on {name}.")
        return data


class ActionForm(forms.Form):
    title = forms.CharField(
        label="Action", max_length=300, error_messages={"required": "Enter what is to be done."}
    )
    due_on = forms.DateField(
        label="Due by", widget=NHSDateInput(), error_messages={"required": "Enter the due date."}
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _people_field(programme, "Owner")
        pair = PairChoiceField(
            label="Pair",
            queryset=Pair.objects.filter(programme=programme).select_related("service"),
            required=False,
            empty_label="Not for one pair",
        )
        self.fields["pair"] = pair
        away_day = _away_day_field(programme, required=False)
        away_day.label = "Agreed at"
        self.fields["away_day"] = away_day


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)
    note = forms.CharField(label="Update", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, may_move: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if may_move:
            self.fields["due_on"] = forms.DateField(
                label="Due by", widget=NHSDateInput(), required=False
            )


class ActionFilterForm(forms.Form):
    """GET form: every field optional, bad values are ignored rather than refused."""

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = _people_field(programme, "Owner", required=False)
        owner.empty_label = "Anyone"
        owner.queryset = (
            Participant.objects.filter(programme=programme, actions__isnull=False)
            .active()
            .select_related("person")
            .order_by("person__name")
            .distinct()
        )
        self.fields["owner"] = owner
        pair = PairChoiceField(
            label="Pair",
            queryset=Pair.objects.filter(programme=programme).select_related("service"),
            required=False,
            empty_label="Any pair",
        )
        self.fields["pair"] = pair
        self.fields["locality"] = forms.ModelChoiceField(
            label="Locality",
            queryset=Locality.objects.filter(organisation=programme.organisation),
            required=False,
            empty_label="Any locality",
        )
        away_day = _away_day_field(programme, required=False)
        away_day.empty_label = "Any away day"
        self.fields["away_day"] = away_day
        self.fields["status"] = forms.ChoiceField(
            label="Status", choices=[("", "Any status"), *ActionStatus.choices], required=False
        )


class ObservationForm(forms.Form):
    situation = forms.CharField(
        label="The situation you watched",
        max_length=300,
        error_messages={"required": "Enter the situation you watched."},
    )
    notes = forms.CharField(
        label="Your notes", widget=forms.Textarea, error_messages={"required": "Enter your notes."}
    )

    def __init__(self, *args: Any, programme: Programme, own_pair: Pair, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        observed = PairChoiceField(
            label="The pair you observed",
            queryset=Pair.objects.filter(programme=programme)
            .exclude(pk=own_pair.pk)
            .select_related("service"),
            empty_label="Choose a pair",
            error_messages={"required": "Choose the pair you observed."},
        )
        self.fields["observed_pair"] = observed
        self.fields["away_day"] = _away_day_field(programme, required=False)
        self.fields["away_day"].label = "At which away day"


class EvaluationForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label="How useful was the day?",
        choices=[(str(n), str(n)) for n in range(USEFULNESS_MIN, USEFULNESS_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 = not at all useful, 5 = very useful.",
        error_messages={"required": "Choose how useful the day was, from 1 to 5."},
    )
    keep = forms.CharField(label="What should we keep?", widget=forms.Textarea, required=False)
    change = forms.CharField(label="What should we change?", widget=forms.Textarea, required=False)


class WaveChoiceField(forms.ModelMultipleChoiceField[Wave]):
    def label_from_instance(self, obj: Wave) -> str:
        return f"{obj.title} (opened {obj.opens_on:%-d %B %Y})"


class MeetingForm(forms.Form):
    name = forms.CharField(
        label="Meeting", max_length=200, error_messages={"required": "Enter the meeting's name."}
    )
    description = forms.CharField(label="Description", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["waves"] = WaveChoiceField(
            label="Meeting checks from this meeting",
            queryset=Wave.objects.filter(
                programme=programme, instrument_id="meeting-effectiveness"
            ).order_by("opens_on"),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text="Waves of the meeting-effectiveness pulse; create them under Questionnaires.",
        )
