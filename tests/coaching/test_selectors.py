from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tandem.coaching import selectors, services
from tandem.coaching.models import Attendance
from tandem.coaching.selectors import CoachingAccessDenied, Relation
from tandem.programmes.selectors import ProgrammeNotFound

from ..conftest import participant_named
from .conftest import PRIVATE_THEME, SHARED_THEME


def user(demo, name):
    return participant_named(demo, name).person.user


def test_the_coaching_dose_counts_attended_sessions_and_weeks(demo, plan, held) -> None:
    # Six weeks earlier by the calendar: the same local time of day (arithmetic on a local
    # datetime keeps its wall-clock time), so the dose does not lose a day across a clock change
    # when the suite runs late in the evening.
    local = timezone.localtime(held.starts_at)
    earlier = services.session_schedule(
        plan=plan, starts_at=local - dt.timedelta(weeks=6), place="Room 4"
    )
    services.session_log(session=earlier, attendance=Attendance.ATTENDED)
    missed = services.session_schedule(
        plan=plan, starts_at=local - dt.timedelta(weeks=2), place="Room 4"
    )
    services.session_log(session=missed, attendance=Attendance.NO_SHOW)
    dose = selectors.coaching_dose_for(viewer=user(demo, "Priya Sandhu"), programme=demo.programme)
    row = dose[plan.coachee_id]
    assert (row.dose.sessions_attended, row.dose.weeks_in_coaching, row.no_show, row.planned) == (
        2,
        6.0,
        1,
        4,
    )


@pytest.mark.parametrize("name", ["Nadia Foster", "Dr Amara Okafor", "Anna Kowalski"])
def test_the_dose_is_for_the_lead_and_sponsors_only(demo, plan, name) -> None:
    with pytest.raises(CoachingAccessDenied):
        selectors.coaching_dose_for(viewer=user(demo, name), programme=demo.programme)


def test_the_sponsor_review_has_ratings_and_shared_themes_but_not_private_ones(
    demo, plan, held, goals
) -> None:
    review = selectors.sponsor_review_for(
        viewer=user(demo, "Dr Miriam Achebe"), programme=demo.programme, plan_id=plan.pk
    )
    first = review.progress.rows[0]
    assert (first.goal.name, first.cells[0].coachee, first.cells[0].coach) == ("Influencing", 6, 5)
    assert review.sessions[0].shared_themes == [SHARED_THEME]
    assert PRIVATE_THEME not in str(review.sessions)


def test_a_plan_is_found_only_in_its_own_programme(demo, plan, outsider_client) -> None:
    from tandem.programmes.models import Participant, Role

    other_lead = (
        Participant.objects.exclude(programme=demo.programme)
        .filter(role=Role.PROGRAMME_LEAD)
        .first()
    )
    with pytest.raises(ProgrammeNotFound):
        selectors.plan_for(viewer=other_lead.person.user, programme=demo.programme, plan_id=plan.pk)


def test_an_anonymous_viewer_has_no_relation_to_a_plan(plan) -> None:
    assert selectors.relation_to(viewer=AnonymousUser(), plan=plan) is None


def test_the_coach_comes_before_the_lead_for_a_superuser_who_coaches(demo, plan) -> None:
    coach_user = plan.coach.person.user
    coach_user.is_superuser = True
    coach_user.save()
    assert selectors.relation_to(viewer=coach_user, plan=plan) == Relation.COACH


def test_notes_for_the_lead_are_refused_even_with_the_plan_in_hand(demo, plan, held) -> None:
    coach_view = selectors.plan_for(
        viewer=plan.coach.person.user, programme=demo.programme, plan_id=plan.pk
    )
    with pytest.raises(CoachingAccessDenied):
        selectors.coaching_notes_for(
            viewer=user(demo, "Priya Sandhu"), plan_view=coach_view, session=held
        )


def test_the_overview_shows_each_plans_next_session_and_a_stalled_plan(
    demo, plan, held, booked
) -> None:
    stalled_plan = services.plan_create(
        coachee=participant_named(demo, "Anna Kowalski"),
        coach=participant_named(demo, "Owen Price"),
        started_on=timezone.localdate() - dt.timedelta(days=50),
    )
    coaching = selectors.programme_coaching(
        viewer=user(demo, "Priya Sandhu"), programme=demo.programme
    )
    states = {row.participant.person.name: row.state for row in coaching.rows if row.state}
    assert (states["Dr Amara Okafor"].next_session, states["Dr Amara Okafor"].done) == (booked, 1)
    assert states["Anna Kowalski"].stalled_since == stalled_plan.started_on + dt.timedelta(days=42)
    assert (len(coaching.rows), coaching.with_plan, coaching.stalled) == (24, 2, 1)
