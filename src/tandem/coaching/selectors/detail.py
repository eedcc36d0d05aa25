"""A plan in full for its coach and coachee, its schedule for the lead too, and the sponsor's
review: progress ratings, attendance and the themes the coachee has not marked private."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tandem.coaching.models import (
    Attendance,
    CoachingPlan,
    CoachingSession,
    ConcernFlag,
    Goal,
    NoteAuthor,
    ProgressRating,
    SessionTheme,
    SponsorReview,
)
from tandem.coaching.selectors.relations import (
    CONFIDANTS,
    CoachingAccessDenied,
    PlanView,
    Relation,
    plan_for,
)
from tandem.coaching.selectors.states import PlanState, plan_state
from tandem.programmes.models import Programme


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
