"""Qualitative coding of open answers and interview notes: codebook, codes, excerpts, reviews.

An excerpt is a passage of one open answer or one interview note (never both), found by its
character offsets. It reaches a report only after the programme lead approves it, and what is
released is its `redacted_text`, computed at approval with people's names taken out (docs/design.md,
privacy model; docs/methods.md, "Anonymity": quotations also need k_text respondents).

Nothing here links a passage to a person: an answer is reached through its invitation only to
count respondents by profession (suppressed) and never shown with who gave it.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from tandem.programmes.models import Programme
from tandem.surveys.models import Answer, InterviewNote, Wave


class Codebook(models.Model):
    """A programme's codes. One per programme, created when the first code is added."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="codebook")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Codebook of {self.programme}"


class CodeColour(models.TextChoices):
    # NHS identity palette, so that colours in exports match the pages.
    BLUE = "#005EB8", "Blue"
    DARK_BLUE = "#003087", "Dark blue"
    GREEN = "#007F3B", "Green"
    AQUA_GREEN = "#00A499", "Aqua green"
    PURPLE = "#330072", "Purple"
    DARK_PINK = "#7C2855", "Dark pink"
    RED = "#D5281B", "Red"
    ORANGE = "#ED8B00", "Orange"
    WARM_YELLOW = "#FFB81C", "Warm yellow"
    GREY = "#768692", "Grey"


class Code(models.Model):
    """A code (a theme) in the codebook; codes nest under a parent code."""

    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    colour = models.CharField(max_length=7, choices=CodeColour.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            # Two constraints, because NULL parents never clash in a unique index.
            models.UniqueConstraint(
                "codebook",
                Lower("name"),
                condition=models.Q(parent__isnull=True),
                name="coding_code_name_unique_at_top",
            ),
            models.UniqueConstraint(
                "parent",
                Lower("name"),
                condition=models.Q(parent__isnull=False),
                name="coding_code_name_unique_in_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved for reports"
    REJECTED = "rejected", "Not for release"


class Excerpt(models.Model):
    """A coded passage: characters `start`–`end` (end exclusive) of one answer or one note."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="excerpts")
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="excerpts"
    )
    interview_note = models.ForeignKey(
        InterviewNote, on_delete=models.CASCADE, null=True, blank=True, related_name="excerpts"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="The passage as it stands in the source.")
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    redacted_text = models.TextField(
        blank=True, help_text="What a report may quote: set when the lead approves the excerpt."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    codes: models.ManyToManyField[Code, CodeAssignment] = models.ManyToManyField(
        Code, through="CodeAssignment", related_name="excerpts"
    )

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    models.Q(answer__isnull=False, interview_note__isnull=True)
                    | models.Q(answer__isnull=True, interview_note__isnull=False)
                ),
                name="coding_excerpt_one_source",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="coding_excerpt_not_empty"
            ),
            models.UniqueConstraint(
                fields=["answer", "start", "end"],
                condition=models.Q(answer__isnull=False),
                name="coding_excerpt_once_per_answer_span",
            ),
            models.UniqueConstraint(
                fields=["interview_note", "start", "end"],
                condition=models.Q(interview_note__isnull=False),
                name="coding_excerpt_once_per_note_span",
            ),
        ]

    def __str__(self) -> str:
        return f"Excerpt {self.pk} ({self.get_status_display()})"

    @property
    def is_interview(self) -> bool:
        return self.interview_note_id is not None


class CodeAssignment(models.Model):
    excerpt = models.ForeignKey(Excerpt, on_delete=models.CASCADE, related_name="assignments")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="assignments")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["excerpt", "code"], name="coding_assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} on excerpt {self.excerpt_id}"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Suggested"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class ThemeSuggestion(models.Model):
    """A group of uncoded open answers that share vocabulary, offered to the lead as a new code.

    Kept so that a rejected suggestion is not offered again for the same answers.
    """

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="theme_suggestions")
    terms = models.JSONField(default=list)
    answer_ids = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    code = models.ForeignKey(
        Code, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return ", ".join(self.terms[:3]) or f"Suggestion {self.pk}"
