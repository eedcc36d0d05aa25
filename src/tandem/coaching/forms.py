from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from tandem.coaching.models import (
    RATING_MAX,
    RATING_MIN,
    Attendance,
    Goal,
    SessionTheme,
    SkillArea,
)
from tandem.forms import NHSDateInput
from tandem.programmes.models import Participant

RATING_CHOICES = [(str(n), str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]
RATING_HINT = f"From {RATING_MIN} (just starting) to {RATING_MAX} (fully confident)."
# Themes offered as tick boxes: the skill areas, less "another area" (written in instead).
THEME_CHOICES = [(label, label) for value, label in SkillArea.choices if value != SkillArea.CUSTOM]


class NHSTimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def _rating_field(label: str, *, required: bool = True) -> forms.TypedChoiceField:
    empty = ("", "Choose a rating") if required else ("", "Not rated")
    return forms.TypedChoiceField(
        label=label,
        choices=[empty, *RATING_CHOICES],
        coerce=int,
        empty_value=None,
        required=required,
        help_text=RATING_HINT,
        error_messages={"required": f"Choose a rating from {RATING_MIN} to {RATING_MAX}."},
    )


class SettingsForm(forms.Form):
    planned_sessions = forms.IntegerField(
        label="Sessions planned for each person",
        min_value=1,
        max_value=20,
        help_text="New plans start with this many sessions; existing plans keep theirs.",
        error_messages={"required": "Enter the number of sessions planned."},
    )
    stalled_after_days = forms.IntegerField(
        label="Days without a session before a plan counts as stalled",
        min_value=7,
        max_value=365,
        help_text="Counted from the last session attended when no next session is booked.",
        error_messages={"required": "Enter a number of days."},
    )


class PlanForm(forms.Form):
    coachee = forms.ModelChoiceField(
        label="Participant",
        queryset=Participant.objects.none(),
        empty_label="Choose a participant",
        error_messages={"required": "Choose the participant to be coached."},
    )
    coach = forms.ModelChoiceField(
        label="Coach",
        queryset=Participant.objects.none(),
        empty_label="Choose a coach",
        error_messages={"required": "Choose a coach."},
    )
    planned_sessions = forms.IntegerField(
        label="Sessions planned", min_value=1, max_value=20, required=False
    )
    started_on = forms.DateField(
        label="Coaching starts on",
        widget=NHSDateInput,
        error_messages={
            "required": "Enter the date coaching starts.",
            "invalid": "Enter a real date.",
        },
    )

    def __init__(
        self,
        *args: Any,
        coachees: list[Participant],
        coaches: list[Participant],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coachee"].queryset = Participant.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in coachees]
        ).order_by("person__name")
        self.fields["coach"].queryset = Participant.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in coaches]
        ).order_by("person__name")
        self.fields["coachee"].label_from_instance = lambda p: p.person.name  # type: ignore[attr-defined]
        self.fields["coach"].label_from_instance = lambda p: p.person.name  # type: ignore[attr-defined]
        self.fields["started_on"].initial = timezone.localdate()


class GoalForm(forms.Form):
    skill_area = forms.ChoiceField(
        label="Skill area",
        choices=SkillArea.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a skill area."},
    )
    custom_area = forms.CharField(
        label="Another area (if chosen above)", max_length=120, required=False
    )
    description = forms.CharField(
        label="What you want to be able to do (optional)", max_length=300, required=False
    )
    start_rating = _rating_field("Where you are now")
    target_rating = _rating_field("Where you want to be by the end of coaching")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("skill_area") == SkillArea.CUSTOM and not data.get("custom_area", "").strip():
            self.add_error("custom_area", "Name the skill area.")
        start, target = data.get("start_rating"), data.get("target_rating")
        if start is not None and target is not None and target < start:
            self.add_error("target_rating", "The target must be at least where you start.")
        return data


class SessionForm(forms.Form):
    date = forms.DateField(
        label="Date",
        widget=NHSDateInput,
        error_messages={
            "required": "Enter the date of the session.",
            "invalid": "Enter a real date.",
        },
    )
    time = forms.TimeField(
        label="Start time",
        widget=NHSTimeInput,
        help_text="24-hour clock, for example 14:30.",
        error_messages={"required": "Enter the start time.", "invalid": "Enter a time like 14:30."},
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=15,
        max_value=480,
        initial=60,
        error_messages={"required": "Enter how long the session is."},
    )
    place = forms.CharField(
        label="Place (optional if there is a video link)", max_length=200, required=False
    )
    video_link = forms.URLField(
        label="Video link (optional if there is a place)",
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, like https://meet.example/abc."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        no_place = not data.get("place", "").strip() and not data.get("video_link", "").strip()
        if no_place and "video_link" not in self.errors:
            self.add_error("place", "Give a place to meet or a video link.")
        if data.get("date") and data.get("time"):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "place": data["place"],
            "video_link": data["video_link"],
        }


class SessionLogForm(forms.Form):
    attendance = forms.ChoiceField(
        label="What happened",
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened."},
    )
    themes = forms.MultipleChoiceField(
        label="Themes covered",
        choices=THEME_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_themes = forms.CharField(
        label="Other themes (optional)",
        max_length=500,
        required=False,
        help_text="Separate themes with commas. The coachee can hide any theme from the sponsor.",
    )
    actions_agreed = forms.CharField(
        label="Actions agreed (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Seen only by the coach and the coachee.",
    )

    def theme_names(self) -> list[str]:
        extra = [t.strip() for t in self.cleaned_data.get("other_themes", "").split(",")]
        return [*self.cleaned_data.get("themes", []), *[t for t in extra if t]]


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Only you and the other person in this coaching see it. It is stored encrypted.",
        error_messages={"required": "Write the note, or go back without saving."},
        max_length=10_000,
    )


class RatingForm(forms.Form):
    """One rating per goal; a goal left unrated keeps no rating for this session."""

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = _rating_field(
                f"{goal.name} (started at {goal.start_rating}, aiming for {goal.target_rating})",
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.goals and all(data.get(f"goal_{g.pk}") is None for g in self.goals):
            raise forms.ValidationError("Rate at least one goal.")
        return data

    def ratings(self) -> dict[int, int | None]:
        return {goal.pk: self.cleaned_data.get(f"goal_{goal.pk}") for goal in self.goals}


class ThemePrivacyForm(forms.Form):
    private = forms.MultipleChoiceField(
        label="Themes to keep from the sponsor",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The sponsor never sees these. Your coach still does.",
    )

    def __init__(self, *args: Any, themes: list[SessionTheme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["private"].choices = [(str(t.pk), t.name) for t in themes]  # type: ignore[attr-defined]
        if not args:
            self.initial["private"] = [str(t.pk) for t in themes if t.private]

    def private_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data.get("private", [])]


class ConcernForm(forms.Form):
    reason = forms.CharField(
        label="What the concern is about",
        max_length=300,
        help_text="The sponsor and the programme lead see this. Do not write anything said in confidence.",
        error_messages={"required": "Say briefly what the concern is about."},
    )


class ReviewForm(forms.Form):
    met_on = forms.DateField(
        label="Date of the review meeting",
        widget=NHSDateInput,
        error_messages={"required": "Enter the date you met.", "invalid": "Enter a real date."},
    )
    next_steps = forms.CharField(
        label="Next steps agreed",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write the next steps you agreed."},
    )

    def clean_met_on(self) -> dt.date:
        met_on: dt.date = self.cleaned_data["met_on"]
        if met_on > timezone.localdate():
            raise forms.ValidationError("Record a meeting that has taken place.")
        return met_on
