"""Reads for waves and invitations, with the privacy rule built in.

The programme lead sees, for each invitation, whether the person has responded — never what they
answered. A respondent reaches their own answers only through their invitation link.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from tandem.disclosure.ledger import Scope
from tandem.programmes.models import Participant, Profession, Programme, Role
from tandem.programmes.selectors import (
    ProgrammeAccessDenied,
    ProgrammeNotFound,
    can_manage,
    viewer_roles,
)
from tandem.surveys.models import (
    Answer,
    InterviewNote,
    Invitation,
    InvitationStatus,
    ResponseImportMapping,
    Wave,
    WaveKind,
)

# Below this response rate a group's results are flagged as possibly unrepresentative.
LOW_RESPONSE_RATE = 0.6


class InvitationNotFound(Http404):
    """No invitation has this link (mistyped, or the person was removed from the wave)."""


def waves_for(*, viewer: Any, programme: Programme) -> QuerySet[Wave]:
    if not viewer_roles(viewer=viewer, programme=programme):
        raise ProgrammeNotFound("No such programme.")
    return Wave.objects.filter(programme=programme).order_by("-opens_on", "-id")


def wave_for(*, viewer: Any, programme: Programme, wave_id: int, manage: bool = True) -> Wave:
    """A wave of this programme; managing it (invitations, status, notes) is for the lead."""
    if manage and not can_manage(viewer=viewer, programme=programme):
        raise ProgrammeAccessDenied("Only the programme lead can manage questionnaire waves.")
    if not viewer_roles(viewer=viewer, programme=programme):
        raise ProgrammeNotFound("No such programme.")
    wave = (
        Wave.objects.filter(programme=programme, pk=wave_id)
        .select_related("programme__organisation")
        .first()
    )
    if wave is None:
        raise ProgrammeNotFound("No such questionnaire wave in this programme.")
    return wave


@dataclass(frozen=True)
class GroupRate:
    label: str
    invited: int
    submitted: int

    @property
    def rate(self) -> float:
        return self.submitted / self.invited if self.invited else 0.0

    @property
    def is_low(self) -> bool:
        return self.invited > 0 and self.rate < LOW_RESPONSE_RATE


@dataclass(frozen=True)
class CompletionRow:
    invitation_id: int
    name: str
    profession: str
    status: str
    status_label: str
    sent: bool
    reminders_sent: int


@dataclass(frozen=True)
class WaveCompletion:
    wave: Wave
    counts: dict[str, int]
    invited: int
    rows: list[CompletionRow]
    by_profession: list[GroupRate]
    # Responses imported from an anonymous export: answers to the wave, but no invitee, so
    # they are in none of the counts above (they would raise the response rate of nobody).
    unmatched: int = 0

    @property
    def submitted(self) -> int:
        return self.counts.get(InvitationStatus.SUBMITTED, 0)

    @property
    def response_rate(self) -> float:
        return self.submitted / self.invited if self.invited else 0.0

    @property
    def is_low(self) -> bool:
        return self.invited > 0 and self.response_rate < LOW_RESPONSE_RATE


def wave_completion(*, viewer: Any, wave: Wave) -> WaveCompletion:
    """Who has responded, by status only, and the response rate overall and by profession.

    Deliberately reads nothing from `Answer`: this is the lead's view.
    """
    if not can_manage(viewer=viewer, programme=wave.programme):
        raise ProgrammeAccessDenied("Only the programme lead can see who has responded.")
    everything = list(
        wave.invitations.select_related("participant__person").order_by("participant__person__name")
    )
    invitations = [
        (inv, inv.participant.person) for inv in everything if inv.participant is not None
    ]
    theirs = {
        inv.pk
        for inv in everything
        if inv.participant is not None and inv.participant.role == Role.COMPARISON
    }
    labels = dict(InvitationStatus.choices)
    rows = [
        CompletionRow(
            invitation_id=inv.pk,
            name=person.name,
            profession=person.get_profession_display()
            + (" (comparison)" if inv.pk in theirs else ""),
            status=inv.status,
            status_label=labels[inv.status],
            sent=inv.sent_at is not None,
            reminders_sent=inv.reminders_sent,
        )
        for inv, person in invitations
    ]
    # The response rate is the programme's; a comparison group is a row of its own below.
    comparison = [inv for inv, _ in invitations if inv.pk in theirs]
    invitations = [(inv, p) for inv, p in invitations if inv.pk not in theirs]
    counts = Counter(inv.status for inv, _ in invitations)
    by_profession = []
    for value, label in Profession.choices:
        members = [inv for inv, person in invitations if person.profession == value]
        if members:
            by_profession.append(
                GroupRate(
                    label=label,
                    invited=len(members),
                    submitted=sum(1 for inv in members if inv.status == InvitationStatus.SUBMITTED),
                )
            )
    if comparison:
        by_profession.append(
            GroupRate(
                label="Comparison group (not in the programme)",
                invited=len(comparison),
                submitted=sum(1 for inv in comparison if inv.status == InvitationStatus.SUBMITTED),
            )
        )
    return WaveCompletion(
        wave=wave,
        counts=dict(counts),
        invited=len(invitations),
        rows=rows,
        by_profession=by_profession,
        unmatched=sum(1 for inv in everything if inv.unmatched),
    )


@dataclass(frozen=True)
class ComparisonStatus:
    invited: int  # comparison respondents invited to this wave
    waiting: int  # the programme's comparison respondents not (yet) invited to it


def comparison_status(*, wave: Wave) -> ComparisonStatus | None:
    """For a stock take, how many of the programme's comparison respondents it has invited (the
    lead's wave page; the caller has checked the viewer); None for a pulse."""
    if wave.kind == WaveKind.PULSE:
        return None
    invited = wave.invitations.comparison_group().count()
    waiting = (
        Participant.objects.filter(programme=wave.programme, role=Role.COMPARISON)
        .active()
        .exclude(invitations__wave=wave)
        .count()
    )
    return ComparisonStatus(invited=invited, waiting=waiting)


def invitation_by_token(*, token: str) -> Invitation:
    """The invitation behind a respondent's link. The link is the respondent's only key."""
    invitation = (
        Invitation.objects.matched()
        .filter(token=token)
        .select_related("wave__programme__organisation", "participant__person")
        .first()
    )
    if invitation is None:
        raise InvitationNotFound("This questionnaire link is not recognised.")
    return invitation


def own_answers(*, invitation: Invitation) -> dict[str, Answer]:
    """The respondent's own answers, by item id, to put back in place when they return."""
    return {answer.item_id: answer for answer in Answer.objects.filter(invitation=invitation)}


def interview_notes_for(*, viewer: Any, wave: Wave) -> QuerySet[InterviewNote]:
    if not can_manage(viewer=viewer, programme=wave.programme):
        raise ProgrammeAccessDenied("Only the programme lead can read interview notes.")
    return InterviewNote.objects.filter(wave=wave).order_by("created_at", "id")


def open_invitations_for(*, viewer: Any, programme: Programme) -> list[Invitation]:
    """The viewer's own invitations to waves of this programme that are open now, not yet submitted."""
    from django.utils import timezone

    if not getattr(viewer, "is_authenticated", False):
        return []
    today = timezone.localdate()
    return list(
        Invitation.objects.filter(
            participant__programme=programme,
            participant__person__user=viewer,
            wave__opens_on__lte=today,
            wave__closes_on__gte=today,
            wave__closed_at__isnull=True,
        )
        .exclude(status=InvitationStatus.SUBMITTED)
        .select_related("wave")
    )


def remembered_mapping(*, wave: Wave, source: str) -> dict[str, str]:
    """The column → item mapping last used to import this tool's export into this questionnaire."""
    mapping = ResponseImportMapping.objects.filter(
        programme=wave.programme, source=source, instrument_id=wave.instrument_id
    ).first()
    return dict(mapping.columns) if mapping else {}


def remembered_import(*, wave: Wave, source: str) -> ResponseImportMapping | None:
    """How this tool's export was last imported into this questionnaire: the columns' questions,
    the answer codes' meanings and what respondents were matched by."""
    return ResponseImportMapping.objects.filter(
        programme=wave.programme, source=source, instrument_id=wave.instrument_id
    ).first()


def invitation_statuses(*, wave: Wave) -> dict[str, str]:
    """Invited e-mail address → status, for matching imported responses to invitations."""
    return {
        email.lower(): status
        for email, status in wave.invitations.matched().values_list(
            "participant__person__email", "status"
        )
    }


def imported_response_ids(*, wave: Wave, source: str) -> set[str]:
    """The survey-tool ids of the unmatched responses already imported from `source` into the wave."""
    prefix = f"{source}:"
    return {
        ref.removeprefix(prefix)
        for ref in wave.invitations.unmatched_responses()
        .filter(import_ref__startswith=prefix)
        .values_list("import_ref", flat=True)
    }


def completion_counts(*, viewer: Any, programme: Programme) -> dict[int, dict[str, int]]:
    """{wave id: {status: invitations}} for the programme's waves, in one query (lead only).

    The counts behind `wave_completion`, for lists of waves; like it, reads nothing from `Answer`.
    """
    if not can_manage(viewer=viewer, programme=programme):
        raise ProgrammeAccessDenied("Only the programme lead can see who has responded.")
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Invitation.objects.matched()
        .programme_group()  # as `wave_completion`'s response rate: the programme's own people
        .filter(wave__programme=programme)
        .order_by()
        .values_list("wave_id", "status")
        .annotate(n=Count("id"))
    )
    for wave_id, status, n in rows:
        counts.setdefault(wave_id, {})[status] = n
    return counts


def wave_scope(wave: Wave) -> Scope:
    """The disclosure scope of a wave's answers: frozen once the wave has closed (docs/design.md).

    Until then nothing computed from its answers is shown to anyone, the lead included: a reading
    before and after one person submits would give their answers away.
    """
    if wave.has_closed():
        return Scope(key=f"wave:{wave.pk}", frozen=True)
    closes = wave.closes_on
    return Scope(
        key=f"wave:{wave.pk}",
        frozen=False,
        pending=(
            f"Results appear when the questionnaire closes on {closes:%-d %B %Y} (or when the "
            "programme lead closes it earlier), so that no one's answers can be worked out from "
            "changes while people are still answering."
        ),
    )
