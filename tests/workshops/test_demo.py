from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tandem.workshops.models import (
    Action,
    ActionStatus,
    AwayDay,
    Evaluation,
    MissionVersion,
    PairObservation,
    RecurringMeeting,
)


def test_the_demo_has_two_away_days_with_agenda_attendance_and_outcomes(demo) -> None:
    days = list(AwayDay.objects.filter(programme=demo.programme).order_by("date"))
    assert [d.title for d in days] == ["First away day", "Second away day"]
    for day in days:
        assert day.agenda_items.count() >= 4
        assert 15 <= day.invitations.filter(attended=True).count() < 24
        assert day.outcomes
    assert MissionVersion.objects.filter(programme=demo.programme).count() == 2
    assert Evaluation.objects.filter(away_day__in=days).count() == 26
    assert PairObservation.objects.filter(away_day=days[1]).count() == 6


def test_the_demo_has_about_25_actions_in_every_state_some_overdue(demo) -> None:
    actions = list(Action.objects.filter(programme=demo.programme))
    assert len(actions) == 25
    assert {a.status for a in actions} == set(ActionStatus.values)
    today = timezone.localdate()
    assert 3 <= sum(a.is_overdue(today) for a in actions) <= 10


def test_the_demo_meeting_has_twelve_monthly_pulses(demo) -> None:
    meeting = RecurringMeeting.objects.get(programme=demo.programme)
    months = {w.opens_on.replace(day=1) for w in meeting.waves.all()}
    assert len(months) == 12


def test_the_demo_away_days_feedback_has_closed_and_its_results_show(
    demo, lead_client, first_day, second_day
) -> None:
    for day in (first_day, second_day):
        assert day.evaluation_closes_on == day.date + dt.timedelta(days=14)
        page = lead_client.get(
            f"/programmes/{demo.programme.slug}/workshops/away-days/{day.pk}/evaluation/results/"
        ).content.decode()
        assert "Mean usefulness: <strong>" in page
        assert "Results appear when" not in page
