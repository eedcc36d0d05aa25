"""Waves of a questionnaire, the invitations that open them, and the answers people give.

Answers are confidential: they are linked to an invitation (and so to a person) only so that a
person can resume, and so that the analysis can match baseline and repeat. No page, export or API
shows one person's answers to anyone else (docs/design.md, privacy model).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.programmes.models import Participant, Programme, Role

if TYPE_CHECKING:
    from tandem.surveys.instruments import Instrument


def new_invitation_token() -> str:
    # 32 random bytes: a link that cannot be guessed or enumerated.
    return secrets.token_urlsafe(32)


class WaveKind(models.TextChoices):
    BASELINE = "baseline", "Baseline stock take"
    REPEAT = "repeat", "Repeat stock take"
    PULSE = "pulse", "Pulse"


class Wave(models.Model):
    """One round of one questionnaire for a programme's participants.

    The instrument's id and version are frozen when the wave is created: later edits to the
    questionnaire make a new version and never change what a wave asked.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="waves")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=WaveKind.choices)
    instrument_id = models.CharField(max_length=80)
    instrument_version = models.PositiveSmallIntegerField()
    opens_on = models.DateField()
    closes_on = models.DateField()
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the lead closes the wave early."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the lead released the feedback report to the programme.",
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-opens_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="surveys_wave_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def instrument(self) -> Instrument:
        from tandem.surveys.instruments import get_instrument

        return get_instrument(self.instrument_id, self.instrument_version)

    def is_open(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is None and self.opens_on <= today <= self.closes_on

    def has_closed(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is not None or today > self.closes_on

    def status_label(self, today: dt.date | None = None) -> str:
        if self.has_closed(today):
            return "Closed"
        return "Open" if self.is_open(today) else "Not yet open"


class InvitationStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def matched(self) -> InvitationQuerySet:
        """Invitations of people: everything that e-mails, lists or counts invitees reads these."""
        return self.filter(unmatched=False)

    def unmatched_responses(self) -> InvitationQuerySet:
        return self.filter(unmatched=True)

    def programme_group(self) -> InvitationQuerySet:
        """The programme's own respondents: every figure about the programme reads only these.
        Comparison respondents (people of the organisation outside the programme) are left out;
        unmatched responses, imported from the programme's own survey, are kept."""
        return self.exclude(participant__role=Role.COMPARISON)

    def comparison_group(self) -> InvitationQuerySet:
        """Comparison respondents' invitations: read only by the difference in differences."""
        return self.filter(participant__role=Role.COMPARISON)


class Invitation(models.Model):
    """One person's link to one wave. Its status is all a programme lead ever sees of a response.

    An *unmatched* invitation holds one response imported from an anonymous export (no e-mail
    column): it belongs to no participant, is submitted from the start and is never e-mailed. It
    counts in its wave's feedback report but is no invitee, and is left out of matched
    before/after comparisons (it cannot be paired with anyone's other answers).
    """

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
    )
    unmatched = models.BooleanField(
        default=False,
        help_text="A response imported without an e-mail address: it belongs to no participant.",
    )
    import_ref = models.CharField(
        max_length=120,
        blank=True,
        help_text="An unmatched response's id in the survey tool it came from, so that importing "
        "the same export twice is refused rather than counted twice.",
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_invitation_token, editable=False
    )
    status = models.CharField(
        max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.NOT_STARTED
    )
    current_section = models.CharField(max_length=80, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["participant__person__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["wave", "participant"], name="surveys_invitation_once_per_wave"
            ),
            models.UniqueConstraint(
                fields=["wave", "import_ref"],
                condition=~models.Q(import_ref=""),
                name="surveys_invitation_import_ref_once_per_wave",
            ),
            models.CheckConstraint(
                condition=models.Q(unmatched=True, participant__isnull=True)
                | models.Q(unmatched=False, participant__isnull=False),
                name="surveys_invitation_unmatched_has_no_participant",
            ),
        ]

    def __str__(self) -> str:
        if self.unmatched:
            return f"Unmatched response {self.pk} in {self.wave}"
        return f"Invitation to {self.wave} for participant {self.participant_id}"

    @property
    def respondent_key(self) -> int:
        return respondent_key(self.participant_id, self.pk)


def respondent_key(participant_id: int | None, invitation_id: int) -> int:
    """Who a response is from, as reports and the disclosure ledger count people.

    A participant's id; for an unmatched response, minus its invitation's id. Participant ids are
    positive, so the two can never collide, and an unmatched response never pairs with anything
    in another wave.
    """
    return participant_id if participant_id is not None else -invitation_id


class AnswerSource(models.TextChoices):
    WEB = "web", "Answered in Tandem"
    IMPORT = "import", "Imported from another survey tool"


class Answer(models.Model):
    """One answer to one item. Likert items keep `value` (1–5) or `dont_know`; open items `text`."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="answers")
    item_id = models.CharField(max_length=80)
    value = models.SmallIntegerField(null=True, blank=True)
    dont_know = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=AnswerSource.choices, default=AnswerSource.WEB)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["invitation_id", "item_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["invitation", "item_id"], name="surveys_answer_once_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.item_id}"


def interview_upload_to(instance: InterviewNote, filename: str) -> str:
    return f"interviews/wave-{instance.wave_id}/{secrets.token_hex(8)}-{filename}"


class InterviewNote(models.Model):
    """Semi-structured interview notes or a transcript, for qualitative coding with the open answers."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="interview_notes")
    title = models.CharField(max_length=200)
    interviewee_profession = models.CharField(
        max_length=20,
        blank=True,
        help_text="Kept for coding summaries by profession; the name is not stored.",
    )
    text = models.TextField()
    original_file = models.FileField(upload_to=interview_upload_to, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class ImportSource(models.TextChoices):
    MSFORMS = "msforms", "Microsoft Forms"
    QUALTRICS = "qualtrics", "Qualtrics"
    LIMESURVEY = "limesurvey", "LimeSurvey"


class ResponseImportMapping(models.Model):
    """How one survey tool's columns map to an instrument's items, remembered for next time."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="response_mappings"
    )
    source = models.CharField(max_length=20, choices=ImportSource.choices)
    instrument_id = models.CharField(max_length=80)
    columns = models.JSONField(default=dict, help_text="Source column heading → item id.")
    match_by = models.CharField(
        max_length=30,
        blank=True,
        help_text="What respondents were matched by: email, or the tool's own identifier.",
    )
    codes = models.JSONField(
        default=dict, help_text="The tool's question → {answer code → meaning}, as confirmed."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["programme", "source", "instrument_id"],
                name="surveys_mapping_once_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} mapping for {self.instrument_id}"
