"""A coaching plan for Dr Amara Okafor with Nadia Foster, one session held and one booked.

The demo may arrive with coaching already seeded; every test here starts from none, so that
counts and pages depend only on what the test itself builds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from tandem.coaching import services
from tandem.coaching.models import (
    Attendance,
    CoachingPlan,
    CoachingSession,
    CoachingSettings,
    ConcernFlag,
    Goal,
    NoteAuthor,
    SkillArea,
)
from tandem.demo import email_for
from tandem.programmes.models import Participant

from ..conftest import client_for, participant_named

# No characters that HTML escapes, so that a page showing the note contains it verbatim.
COACH_NOTE = "Amara spoke about doubts over the ward closure plan and her sleep"
COACHEE_NOTE = "I want to stop avoiding the finance director before the budget round"
PRIVATE_THEME = "Conflict with the clinical director"
SHARED_THEME = "Budget conversations"
ACTIONS = "Draft the case for the crisis team posts with Anna by Friday"


@pytest.fixture(autouse=True)
def _no_coaching(demo) -> None:
    CoachingPlan.objects.filter(programme=demo.programme).delete()
    CoachingSettings.objects.filter(programme=demo.programme).delete()


@pytest.fixture
def coach(demo) -> Participant:
    return participant_named(demo, "Nadia Foster")


@pytest.fixture
def coachee(demo) -> Participant:
    return participant_named(demo, "Dr Amara Okafor")


@pytest.fixture
def sponsor(demo) -> Participant:
    return participant_named(demo, "Dr Miriam Achebe")


@pytest.fixture
def plan(coach, coachee) -> CoachingPlan:
    return services.plan_create(
        coachee=coachee, coach=coach, started_on=timezone.localdate() - dt.timedelta(days=100)
    )


@pytest.fixture
def goals(plan) -> list[Goal]:
    return [
        services.goal_add(
            plan=plan, skill_area=SkillArea.INFLUENCING, start_rating=4, target_rating=8
        ),
        services.goal_add(
            plan=plan,
            skill_area=SkillArea.CUSTOM,
            custom_area="Running the business meeting",
            start_rating=3,
            target_rating=7,
        ),
    ]


@pytest.fixture
def held(plan, goals) -> CoachingSession:
    """Session 1, thirty days ago: attended, two themes (one private), rated, both notes."""
    session = services.session_schedule(
        plan=plan,
        starts_at=timezone.now() - dt.timedelta(days=30),
        place="Trust headquarters, meeting room 2",
    )
    services.session_log(
        session=session,
        attendance=Attendance.ATTENDED,
        themes=[SHARED_THEME, PRIVATE_THEME],
        actions_agreed=ACTIONS,
    )
    services.themes_mark_private(
        session=session, private_ids=[session.themes.get(name=PRIVATE_THEME).pk]
    )
    services.progress_rate(
        session=session, rater=NoteAuthor.COACHEE, ratings={goals[0].pk: 6, goals[1].pk: 4}
    )
    services.progress_rate(
        session=session, rater=NoteAuthor.COACH, ratings={goals[0].pk: 5, goals[1].pk: 5}
    )
    services.note_save(session=session, author=NoteAuthor.COACH, text=COACH_NOTE)
    services.note_save(session=session, author=NoteAuthor.COACHEE, text=COACHEE_NOTE)
    return session


@pytest.fixture
def booked(plan) -> CoachingSession:
    """Session 2, in ten days, by video."""
    return services.session_schedule(
        plan=plan,
        starts_at=timezone.now() + dt.timedelta(days=10),
        video_link="https://video.riverside-fells.example/nadia",
    )


@pytest.fixture
def concern(plan) -> ConcernFlag:
    return services.concern_raise(plan=plan, reason="Sessions are hard to fit around the rota")


@pytest.fixture
def coachee_client(coachee) -> Client:
    return client_for(email_for("Dr Amara Okafor"))


@pytest.fixture
def other_coach_client(demo) -> Client:
    return client_for(email_for("Owen Price"))


@pytest.fixture
def partner_client(demo) -> Client:
    """Anna Kowalski: Dr Okafor's own partner in the programme, and no party to her coaching."""
    return client_for(email_for("Anna Kowalski"))


@pytest.fixture
def superuser_client(demo) -> Client:
    return client_for(demo.superuser_email)


@dataclass(frozen=True)
class Urls:
    base: str
    plan: str
    held: str
    booked: str


@pytest.fixture
def urls(demo, plan, held, booked) -> Urls:
    base = f"/programmes/{demo.programme.slug}/coaching/"
    plan_url = f"{base}plans/{plan.pk}/"
    return Urls(
        base=base,
        plan=plan_url,
        held=f"{plan_url}sessions/{held.pk}/",
        booked=f"{plan_url}sessions/{booked.pk}/",
    )
