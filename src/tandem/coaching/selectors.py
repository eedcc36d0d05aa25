"""Reads for coaching, each taking the viewer; the confidentiality rule is written here once.

| viewer | sees |
|---|---|
| the plan's coach and coachee | the plan, goals, sessions, themes, actions, ratings and notes |
| programme lead (and superusers) | who coaches whom, the schedule and attendance — no content |
| sponsor | attendance, the next session, stalled state, ratings, concern flags, themes the coachee has not marked private — no notes |
| anyone else in the programme | nothing (403) |
| anyone outside it | that nothing exists (404) |

A note's plaintext leaves this module only through `coaching_notes_for`, which writes an audit
row for every note it decrypts, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tandem.coaching import crypto
from tandem.coaching.audit import note_reads_record
from tandem.coaching.models import (
    Attendance,
    CoachingNote,
    CoachingPlan,
    CoachingSession,
    CoachingSettings,
    ConcernFlag,
    Goal,
    NoteAuthor,
    ProgressRating,
    SessionTheme,
    SponsorReview,
)
from tandem.coaching.status import CoachingDose, coaching_dose, stalled_since
from tandem.programmes.models import Participant, Programme, Role
from tandem.programmes.selectors import (
    ProgrammeAccessDenied,
    ProgrammeNotFound,
    viewer_roles,
)


class CoachingAccessDenied(ProgrammeAccessDenied):
    """The viewer is in the programme but is not someone who may see this part of the coaching."""


class Relation(StrEnum):
    """How the viewer stands to one coaching plan."""

    COACH = "coach"
    COACHEE = "coachee"
    LEAD = "lead"
    SPONSOR = "sponsor"


# The two people a coaching conversation belongs to.
CONFIDANTS = frozenset({Relation.COACH, Relation.COACHEE})


def _roles(viewer: Any, programme: Programme) -> frozenset[str]:
    roles = viewer_roles(viewer=viewer, programme=programme)
    if not roles:
        raise ProgrammeNotFound("No such programme.")
    return roles


def viewer_participant(*, viewer: Any, programme: Programme) -> Participant | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    return (
        Participant.objects.filter(programme=programme, person__user=viewer)
        .select_related("person")
        .first()
    )


def coaching_settings_for(*, programme: Programme) -> CoachingSettings:
    """The programme's coaching rules; the defaults (unsaved) until the lead changes them."""
    found = CoachingSettings.objects.filter(programme=programme).first()
    return found if found is not None else CoachingSettings(programme=programme)


def settings_for_lead(*, viewer: Any, programme: Programme) -> CoachingSettings:
    if Role.PROGRAMME_LEAD not in _roles(viewer, programme):
        raise CoachingAccessDenied("Only the programme lead can change the coaching settings.")
    return coaching_settings_for(programme=programme)


def relation_to(*, viewer: Any, plan: CoachingPlan) -> Relation | None:
    """The viewer's relation to the plan. Being its coach or coachee comes first: a superuser who
    coaches someone reads their notes as their coach, never as a superuser."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    if plan.coach.person.user_id == viewer.pk:
        return Relation.COACH
    if plan.coachee.person.user_id == viewer.pk:
        return Relation.COACHEE
    roles = viewer_roles(viewer=viewer, programme=plan.programme)
    if Role.PROGRAMME_LEAD in roles:
        return Relation.LEAD
    if Role.SPONSOR in roles:
        return Relation.SPONSOR
    return None


@dataclass(frozen=True)
class PlanView:
    plan: CoachingPlan
    relation: Relation

    @property
    def is_coach(self) -> bool:
        return self.relation == Relation.COACH

    @property
    def is_coachee(self) -> bool:
        return self.relation == Relation.COACHEE


def plan_for(
    *, viewer: Any, programme: Programme, plan_id: int, allow: Iterable[Relation] = CONFIDANTS
) -> PlanView:
    """A plan of this programme, if the viewer's relation to it is one of `allow`."""
    _roles(viewer, programme)
    plan = (
        CoachingPlan.objects.filter(programme=programme, pk=plan_id)
        .select_related("programme__organisation", "coach__person", "coachee__person__service")
        .first()
    )
    if plan is None:
        raise ProgrammeNotFound("No such coaching plan in this programme.")
    relation = relation_to(viewer=viewer, plan=plan)
    if relation is None or relation not in set(allow):
        raise CoachingAccessDenied(
            "Coaching is between the coach and the person coached: you cannot see this plan."
        )
    return PlanView(plan=plan, relation=relation)


def own_plan(*, viewer: Any, programme: Programme) -> CoachingPlan | None:
    """The viewer's own coaching plan as a coachee, if they have one."""
    _roles(viewer, programme)
    return CoachingPlan.objects.filter(programme=programme, coachee__person__user=viewer).first()


def session_for(*, plan_view: PlanView, session_id: int) -> CoachingSession:
    session = (
        CoachingSession.objects.filter(plan=plan_view.plan, pk=session_id)
        .select_related("plan")
        .first()
    )
    if session is None:
        raise ProgrammeNotFound("No such session in this coaching plan.")
    return session


def concern_for(*, plan_view: PlanView, concern_id: int) -> ConcernFlag:
    concern = ConcernFlag.objects.filter(plan=plan_view.plan, pk=concern_id).first()
    if concern is None:
        raise ProgrammeNotFound("No such concern on this plan.")
    return concern


def goals_of(*, plan_view: PlanView) -> list[Goal]:
    return list(plan_view.plan.goals.all())


# ---------------------------------------------------------------------------------------------
# Where each plan stands: sessions done, next session, stalled (no content, so lead and sponsor)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanState:
    plan: CoachingPlan
    done: int
    planned: int
    next_session: CoachingSession | None
    stalled_since: dt.date | None
    open_concerns: int = 0
    attended_on: tuple[dt.date, ...] = ()

    @property
    def is_stalled(self) -> bool:
        return self.stalled_since is not None


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def plan_states(
    *, plans: Iterable[CoachingPlan], programme: Programme, now: dt.datetime | None = None
) -> list[PlanState]:
    """Each plan's state in two queries, whatever the number of plans."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    plans = list(plans)
    gap = coaching_settings_for(programme=programme).stalled_after_days
    sessions: dict[int, list[CoachingSession]] = defaultdict(list)
    for session in CoachingSession.objects.filter(plan__in=plans).order_by("starts_at", "id"):
        sessions[session.plan_id].append(session)
    concerns = dict(
        ConcernFlag.objects.filter(plan__in=plans, resolved_at__isnull=True)
        .values("plan")
        .annotate(n=Count("id"))
        .values_list("plan", "n")
    )
    states = []
    for plan in plans:
        attended = tuple(
            _local_date(s.starts_at)
            for s in sessions[plan.pk]
            if s.attendance == Attendance.ATTENDED
        )
        upcoming = [
            s
            for s in sessions[plan.pk]
            if s.attendance == Attendance.SCHEDULED and s.starts_at >= now
        ]
        next_session = upcoming[0] if upcoming else None
        states.append(
            PlanState(
                plan=plan,
                done=len(attended),
                planned=plan.planned_sessions,
                next_session=next_session,
                stalled_since=stalled_since(
                    started_on=plan.started_on,
                    attended_on=attended,
                    next_booked=_local_date(next_session.starts_at) if next_session else None,
                    sessions_done=len(attended),
                    planned=plan.planned_sessions,
                    gap_days=gap,
                    today=today,
                ),
                open_concerns=concerns.get(plan.pk, 0),
                attended_on=attended,
            )
        )
    return states


@dataclass(frozen=True)
class OverviewRow:
    participant: Participant
    state: PlanState | None


@dataclass(frozen=True)
class ProgrammeCoaching:
    rows: list[OverviewRow]
    settings: CoachingSettings
    relation: Relation

    @property
    def with_plan(self) -> int:
        return sum(1 for row in self.rows if row.state is not None)

    @property
    def stalled(self) -> int:
        return sum(1 for row in self.rows if row.state is not None and row.state.is_stalled)


def _plans(programme: Programme) -> QuerySet[CoachingPlan]:
    return CoachingPlan.objects.filter(programme=programme).select_related(
        "programme", "coach__person", "coachee__person"
    )


def programme_coaching(*, viewer: Any, programme: Programme) -> ProgrammeCoaching:
    """Every participant with their coach and where their coaching stands: for lead and sponsor."""
    roles = _roles(viewer, programme)
    if Role.PROGRAMME_LEAD in roles:
        relation = Relation.LEAD
    elif Role.SPONSOR in roles:
        relation = Relation.SPONSOR
    else:
        raise CoachingAccessDenied("Only the programme lead and sponsors see everyone's coaching.")
    states = {
        state.plan.coachee_id: state
        for state in plan_states(plans=_plans(programme), programme=programme)
    }
    participants = (
        Participant.objects.filter(programme=programme)
        .filter(Q(role=Role.PARTICIPANT) | Q(pk__in=list(states)))
        .select_related("person")
        .order_by("person__name")
    )
    return ProgrammeCoaching(
        rows=[OverviewRow(participant=p, state=states.get(p.pk)) for p in participants],
        settings=coaching_settings_for(programme=programme),
        relation=relation,
    )


def coachees_for(*, viewer: Any, programme: Programme) -> list[PlanState]:
    """The coach's own coachees, and where each one's coaching stands."""
    roles = _roles(viewer, programme)
    if Role.COACH not in roles:
        raise CoachingAccessDenied("Only coaches have coachees.")
    return plan_states(
        plans=_plans(programme).filter(coach__person__user=viewer), programme=programme
    )


def plan_state(*, plan_view: PlanView) -> PlanState:
    plan = plan_view.plan
    return plan_states(plans=[plan], programme=plan.programme)[0]


def plan_candidates(*, programme: Programme) -> tuple[list[Participant], list[Participant]]:
    """(participants without a plan, coaches) for the lead's "assign a coach" form."""
    coachees = list(
        Participant.objects.filter(
            programme=programme, role=Role.PARTICIPANT, coaching_plan__isnull=True
        )
        .active()
        .select_related("person")
        .order_by("person__name")
    )
    coaches = list(
        Participant.objects.filter(programme=programme, role=Role.COACH)
        .active()
        .select_related("person")
        .order_by("person__name")
    )
    return coachees, coaches


# ---------------------------------------------------------------------------------------------
# Progress over time (ratings only: shared by the confidants' plan page and the sponsor review)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressCell:
    coachee: int | None
    coach: int | None


@dataclass(frozen=True)
class ProgressRow:
    goal: Goal
    cells: list[ProgressCell]

    @property
    def latest(self) -> int | None:
        for cell in reversed(self.cells):
            if cell.coachee is not None:
                return cell.coachee
        return None


@dataclass(frozen=True)
class ProgressTable:
    sessions: list[CoachingSession]
    rows: list[ProgressRow]


def _progress(
    plan: CoachingPlan, goals: list[Goal], sessions: list[CoachingSession]
) -> ProgressTable:
    rated = [s for s in sessions if s.attendance == Attendance.ATTENDED]
    ratings: dict[tuple[int, int, str], int] = {
        (r.goal_id, r.session_id, r.rater): r.rating
        for r in ProgressRating.objects.filter(session__plan=plan)
    }
    rows = [
        ProgressRow(
            goal=goal,
            cells=[
                ProgressCell(
                    coachee=ratings.get((goal.pk, s.pk, NoteAuthor.COACHEE)),
                    coach=ratings.get((goal.pk, s.pk, NoteAuthor.COACH)),
                )
                for s in rated
            ],
        )
        for goal in goals
    ]
    return ProgressTable(sessions=rated, rows=rows)


# ---------------------------------------------------------------------------------------------
# The confidants' plan page
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionSummary:
    session: CoachingSession
    number: int
    themes: list[SessionTheme]
    note_authors: list[str]


@dataclass(frozen=True)
class PlanDetail:
    view: PlanView
    state: PlanState
    goals: list[Goal]
    sessions: list[SessionSummary]
    progress: ProgressTable
    concerns: list[ConcernFlag]
    reviews: list[SponsorReview] = field(default_factory=list)


def _numbered(sessions: list[CoachingSession]) -> dict[int, int]:
    return {s.pk: index for index, s in enumerate(sessions, start=1)}


def plan_detail(*, plan_view: PlanView) -> PlanDetail:
    """Everything about a plan except the notes' text: for its coach and coachee only."""
    if plan_view.relation not in CONFIDANTS:
        raise CoachingAccessDenied("Only the coach and the person coached see the whole plan.")
    plan = plan_view.plan
    goals = list(plan.goals.all())
    sessions = list(plan.sessions.prefetch_related("themes", "notes"))
    numbers = _numbered(sessions)
    return PlanDetail(
        view=plan_view,
        state=plan_state(plan_view=plan_view),
        goals=goals,
        sessions=[
            SessionSummary(
                session=s,
                number=numbers[s.pk],
                themes=list(s.themes.all()),
                note_authors=[n.get_author_display() for n in s.notes.all()],
            )
            for s in sessions
        ],
        progress=_progress(plan, goals, sessions),
        concerns=list(plan.concerns.all()),
        reviews=list(plan.reviews.select_related("sponsor__person")),
    )


def session_number(*, session: CoachingSession) -> int:
    ids = list(CoachingSession.objects.filter(plan=session.plan_id).values_list("pk", flat=True))
    return ids.index(session.pk) + 1


def session_themes(*, plan_view: PlanView, session: CoachingSession) -> list[SessionTheme]:
    if plan_view.relation not in CONFIDANTS:
        raise CoachingAccessDenied("Only the coach and the person coached see every theme.")
    return list(session.themes.all())


def session_ratings(*, plan_view: PlanView, session: CoachingSession) -> dict[tuple[int, str], int]:
    """{(goal id, rater): rating} for one session."""
    if plan_view.relation not in CONFIDANTS:
        raise CoachingAccessDenied("Only the coach and the person coached rate progress.")
    return {(r.goal_id, r.rater): r.rating for r in session.ratings.all()}


# ---------------------------------------------------------------------------------------------
# Confidential notes: plaintext only here, only for the two of them, every read audited
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteText:
    author: str
    author_label: str
    text: str
    updated_at: dt.datetime


@transaction.atomic
def coaching_notes_for(
    *,
    viewer: Any,
    plan_view: PlanView,
    session: CoachingSession,
    authors: Iterable[str] = tuple(NoteAuthor.values),
) -> list[NoteText]:
    """The session's notes in plain text, for its coach and coachee, each read recorded.

    The relation is checked again against the viewer (not only trusted from `plan_view`), since
    this is the one door to the plaintext.
    """
    plan = plan_view.plan
    if session.plan_id != plan.pk or relation_to(viewer=viewer, plan=plan) not in CONFIDANTS:
        raise CoachingAccessDenied(
            "Coaching notes are seen only by the coach and the person coached."
        )
    notes = list(CoachingNote.objects.filter(session=session, author__in=list(authors)))
    note_reads_record(actor=viewer, notes=notes, programme=plan.programme)
    labels = {
        NoteAuthor.COACH: f"{plan.coach.person.name} (coach)",
        NoteAuthor.COACHEE: f"{plan.coachee.person.name}",
    }
    return [
        NoteText(
            author=note.author,
            author_label=labels[NoteAuthor(note.author)],
            text=crypto.decrypt(note.ciphertext),
            updated_at=note.updated_at,
        )
        for note in notes
    ]


# ---------------------------------------------------------------------------------------------
# Schedule (lead, coach, coachee) and sponsor review (sponsor)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    view: PlanView
    state: PlanState
    sessions: list[CoachingSession]


def schedule_for(*, viewer: Any, programme: Programme, plan_id: int) -> Schedule:
    """Dates, places and attendance: what the lead needs to run the programme, and no more."""
    plan_view = plan_for(
        viewer=viewer,
        programme=programme,
        plan_id=plan_id,
        allow={Relation.COACH, Relation.COACHEE, Relation.LEAD},
    )
    return Schedule(
        view=plan_view,
        state=plan_state(plan_view=plan_view),
        sessions=list(plan_view.plan.sessions.all()),
    )


@dataclass(frozen=True)
class ReviewSession:
    session: CoachingSession
    number: int
    shared_themes: list[str]


@dataclass(frozen=True)
class SponsorReviewView:
    view: PlanView
    state: PlanState
    sessions: list[ReviewSession]
    progress: ProgressTable
    concerns: list[ConcernFlag]
    reviews: list[SponsorReview]


def sponsor_review_for(*, viewer: Any, programme: Programme, plan_id: int) -> SponsorReviewView:
    """Attendance, progress ratings and concern flags for the sponsor: never a note, never a
    theme the coachee marked private, never the actions agreed."""
    plan_view = plan_for(
        viewer=viewer, programme=programme, plan_id=plan_id, allow={Relation.SPONSOR}
    )
    plan = plan_view.plan
    sessions = list(plan.sessions.all())
    numbers = _numbered(sessions)
    shared: dict[int, list[str]] = defaultdict(list)
    for theme in SessionTheme.objects.filter(session__plan=plan, private=False).order_by("id"):
        shared[theme.session_id].append(theme.name)
    goals = list(plan.goals.all())
    return SponsorReviewView(
        view=plan_view,
        state=plan_state(plan_view=plan_view),
        sessions=[
            ReviewSession(session=s, number=numbers[s.pk], shared_themes=shared[s.pk])
            for s in sessions
        ],
        progress=_progress(plan, goals, sessions),
        concerns=list(plan.concerns.all()),
        reviews=list(plan.reviews.select_related("sponsor__person")),
    )


def sponsor_participant(*, viewer: Any, programme: Programme) -> Participant:
    participant = viewer_participant(viewer=viewer, programme=programme)
    if participant is None or participant.role != Role.SPONSOR:
        raise CoachingAccessDenied("Only a sponsor records a review meeting.")
    return participant


# ---------------------------------------------------------------------------------------------
# Coaching dose, for the programme evaluation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseRow:
    participant: Participant
    coach_name: str
    planned: int
    dose: CoachingDose
    cancelled: int
    no_show: int


def coaching_dose_for(*, viewer: Any, programme: Programme) -> dict[int, DoseRow]:
    """{participant id: how much coaching they had} for everyone with a plan.

    Counts and dates only, so the lead and sponsors may have it (docs/design.md: coaching attendance).
    """
    roles = _roles(viewer, programme)
    if not roles & {Role.PROGRAMME_LEAD, Role.SPONSOR}:
        raise CoachingAccessDenied("Only the programme lead and sponsors see coaching attendance.")
    plans = list(_plans(programme))
    attended: dict[int, list[dt.date]] = defaultdict(list)
    missed: dict[tuple[int, str], int] = defaultdict(int)
    for session in CoachingSession.objects.filter(plan__in=plans).exclude(
        attendance=Attendance.SCHEDULED
    ):
        if session.attendance == Attendance.ATTENDED:
            attended[session.plan_id].append(_local_date(session.starts_at))
        else:
            missed[(session.plan_id, session.attendance)] += 1
    return {
        plan.coachee_id: DoseRow(
            participant=plan.coachee,
            coach_name=plan.coach.person.name,
            planned=plan.planned_sessions,
            dose=coaching_dose(attended_on=attended[plan.pk]),
            cancelled=missed[(plan.pk, Attendance.CANCELLED)],
            no_show=missed[(plan.pk, Attendance.NO_SHOW)],
        )
        for plan in plans
    }
