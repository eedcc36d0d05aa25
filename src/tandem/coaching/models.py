"""Individual coaching: plans, goals, sessions, progress ratings, confidential notes, sponsor reviews.

What is said in coaching stays between the coach and the coachee (docs/design.md, privacy model). The
note text is stored only as Fernet ciphertext (`crypto.py`) and reaches a page only through
`selectors.coaching_notes_for`, which checks the viewer and writes an audit row. Everything else
here is schedule and ratings: the programme lead runs the schedule, the sponsor reviews attendance
and progress, and neither ever reads what was discussed.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tandem.programmes.models import Participant, Programme

DEFAULT_PLANNED_SESSIONS = 4
# Six weeks without a session held or booked: long enough for leave and rota gaps, short enough
# that a stalled plan is noticed while there is still programme time left to finish it.
DEFAULT_STALLED_AFTER_DAYS = 42
RATING_MIN = 1
RATING_MAX = 10


class CoachingSettings(models.Model):
    """A programme's coaching rules; created the first time the lead changes them."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="coaching_settings"
    )
    planned_sessions = models.PositiveSmallIntegerField(
        "sessions planned for each person",
        default=DEFAULT_PLANNED_SESSIONS,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    stalled_after_days = models.PositiveSmallIntegerField(
        "days without a session before a plan counts as stalled",
        default=DEFAULT_STALLED_AFTER_DAYS,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name_plural = "coaching settings"

    def __str__(self) -> str:
        return f"Coaching settings of {self.programme}"


class SkillArea(models.TextChoices):
    INFLUENCING = "influencing", "Influencing"
    COMMUNICATION = "communication", "Communication"
    FINANCE = "finance", "Finance"
    STRATEGIC_PLANNING = "strategic_planning", "Strategic planning"
    LEADERSHIP = "leadership", "Leadership"
    MANAGING_CHANGE = "managing_change", "Managing change"
    CUSTOM = "custom", "Another area"


class CoachingPlan(models.Model):
    """One participant's coaching: who coaches them and how many sessions are planned."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="coaching_plans"
    )
    coachee = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="coaching_plan"
    )
    # RESTRICT, not PROTECT: removing a coach from the programme is refused while they have
    # coachees, but removing the whole programme (or the demo) takes the plans with it.
    coach = models.ForeignKey(Participant, on_delete=models.RESTRICT, related_name="coachees")
    planned_sessions = models.PositiveSmallIntegerField(
        default=DEFAULT_PLANNED_SESSIONS, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    started_on = models.DateField(help_text="From when the gap before “stalled” is counted.")
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["coachee__person__name"]

    def __str__(self) -> str:
        return f"Coaching plan of {self.coachee.person}"


class Goal(models.Model):
    """A development goal in a skill area, with where the coachee starts and wants to get to."""

    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="goals")
    skill_area = models.CharField(max_length=30, choices=SkillArea.choices)
    custom_area = models.CharField(max_length=120, blank=True)
    description = models.CharField(max_length=300, blank=True)
    start_rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    target_rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.skill_area == SkillArea.CUSTOM:
            return self.custom_area
        return str(SkillArea(self.skill_area).label)


class Attendance(models.TextChoices):
    SCHEDULED = "scheduled", "Booked"
    ATTENDED = "attended", "Attended"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "Did not attend"


class CoachingSession(models.Model):
    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    place = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(max_length=500, blank=True)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.SCHEDULED
    )
    # Seen by the coach and the coachee only, like the themes; never by the lead or sponsor.
    actions_agreed = models.TextField(blank=True)
    # Bumped on each change so that calendars replace the earlier invitation (RFC 5545 §3.8.7.4).
    ics_sequence = models.PositiveIntegerField(default=0)
    invitation_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"Coaching session on {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def local_start(self) -> dt.datetime:
        """The start in the trust's time zone, for pages and e-mails (the database keeps UTC)."""
        return timezone.localtime(self.starts_at)


class SessionTheme(models.Model):
    """A theme covered in a session. A private theme is seen only by the coach and the coachee."""

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=120)
    private = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["session", "name"], name="coaching_theme_once"),
        ]

    def __str__(self) -> str:
        return self.name


class NoteAuthor(models.TextChoices):
    COACH = "coach", "Coach"
    COACHEE = "coachee", "Coachee"


class CoachingNote(models.Model):
    """A confidential note on a session by the coach or the coachee: ciphertext only.

    There is deliberately no `text` attribute: plaintext exists only in memory, decrypted by
    `coaching.crypto` in two places — `selectors.coaching_notes_for`, for the coach and the coachee
    after the viewer check and the audit row, and `coaching.gdpr.export`, the person's own data.
    """

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="notes")
    author = models.CharField(max_length=10, choices=NoteAuthor.choices)
    ciphertext = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["session", "author"], name="coaching_note_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_author_display()}'s note on session {self.session_id}"


class ProgressRating(models.Model):
    """How far a goal has come, rated after a session by the coachee or the coach."""

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="ratings")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    rater = models.CharField(max_length=10, choices=NoteAuthor.choices)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["session", "goal", "rater"], name="coaching_rating_once"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="coaching_rating_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.rating}"


class ConcernFlag(models.Model):
    """The coach's signal to the sponsor that a plan needs attention. The reason is not a note:
    it is shown to the sponsor and the lead, and the form says so."""

    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="concerns")
    reason = models.CharField(max_length=300)
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.reason


class SponsorReview(models.Model):
    """The sponsor's review meeting with the coach about one participant's progress."""

    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="reviews")
    sponsor = models.ForeignKey(Participant, on_delete=models.RESTRICT, related_name="+")
    met_on = models.DateField()
    next_steps = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-met_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.plan} on {self.met_on}"
