from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.utils import timezone

from tandem.programmes.models import Locality
from tandem.surveys.models import Answer, InvitationStatus
from tandem.workshops import selectors, services, trends
from tandem.workshops.models import Action, ActionStatus, Evaluation, RecurringMeeting

from ..conftest import participant_named


def _user(demo, name):
    return participant_named(demo, name).person.user


@pytest.fixture
def lead(demo):
    return _user(demo, "Priya Sandhu")


def test_the_action_log_filters_by_owner_pair_locality_away_day_and_status(
    demo, lead, amara, amara_pair, second_day
) -> None:
    programme = demo.programme
    every = selectors.actions_for(viewer=lead, programme=programme)
    assert len(every) == Action.objects.filter(programme=programme).count() == 25

    def found(**filters):
        return selectors.actions_for(
            viewer=lead, programme=programme, filters=selectors.ActionFilters(**filters)
        )

    assert {a.owner for a in found(owner=amara.pk)} == {amara}
    assert {a.pair for a in found(pair=amara_pair.pk)} == {amara_pair}
    north = Locality.objects.get(name="Riverside North")
    assert {a.pair.service.locality for a in found(locality=north.pk)} == {north}
    assert {a.away_day for a in found(away_day=second_day.pk)} == {second_day}
    assert {a.status for a in found(status=ActionStatus.DROPPED)} == {ActionStatus.DROPPED}
    assert len(found(status=ActionStatus.DROPPED)) == 3


def test_overdue_actions_are_all_for_the_lead_own_for_a_participant_none_for_a_coach(
    demo, lead, amara
) -> None:
    today = dt.date(2030, 1, 1)
    programme = demo.programme
    every = selectors.overdue_actions_for(viewer=lead, programme=programme, today=today)
    active = Action.objects.filter(
        programme=programme, status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
    )
    assert len(every) == active.count() > 0
    own = selectors.overdue_actions_for(viewer=amara.person.user, programme=programme, today=today)
    assert own and {a.owner for a in own} == {amara}
    coach = _user(demo, "Nadia Foster")
    assert selectors.overdue_actions_for(viewer=coach, programme=programme, today=today) == []


def test_the_demo_has_overdue_actions_today(demo, lead) -> None:
    overdue = selectors.overdue_actions_for(viewer=lead, programme=demo.programme)
    assert 3 <= len(overdue) < 25


def test_evaluation_figures_need_k_people_and_quotations_k_text(
    demo, lead, first_day, second_day
) -> None:
    programme = demo.programme
    assert (programme.min_group_size, programme.min_text_group_size) == (5, 10)
    first = selectors.evaluation_summary_for(viewer=lead, programme=programme, away_day=first_day)
    assert first.respondents == 18
    values = list(
        Evaluation.objects.filter(away_day=first_day).values_list("usefulness", flat=True)
    )
    assert first.mean_usefulness == pytest.approx(sum(values) / len(values))
    assert first.keep is not None
    second = selectors.evaluation_summary_for(viewer=lead, programme=programme, away_day=second_day)
    assert second.respondents == 8
    assert second.mean_usefulness is not None
    assert (second.keep, second.change) == (None, None)
    assert "at least 10" in second.text_reason


def test_evaluations_from_fewer_than_k_people_show_no_figures(demo, lead) -> None:
    day = services.away_day_create(
        programme=demo.programme, title="Small", date=timezone.localdate() - dt.timedelta(days=30)
    )
    for name in ("Dr Amara Okafor", "Anna Kowalski", "Dr Ben Hartley", "Brian Doyle"):
        services.evaluation_submit(
            away_day=day,
            participant=participant_named(demo, name),
            usefulness=5,
            keep="x",
            today=day.date,
        )
    summary = selectors.evaluation_summary_for(viewer=lead, programme=demo.programme, away_day=day)
    assert summary.respondents == 4
    assert (summary.mean_usefulness, summary.distribution, summary.keep) == (None, None, None)
    assert "fewer than 5 people" in summary.reason


def _reference_month_means(meeting: RecurringMeeting) -> dict[dt.date, tuple[int, float]]:
    """An independent scoring: each person's mean of the four items (mtg4 reversed), then the
    mean over people, per month of the wave's opening."""
    rows = Answer.objects.filter(
        invitation__wave__in=meeting.waves.all(),
        invitation__status=InvitationStatus.SUBMITTED,
        value__isnull=False,
    ).values_list("invitation__wave__opens_on", "invitation__participant_id", "item_id", "value")
    per_person: dict[tuple[dt.date, int], list[int]] = defaultdict(list)
    for opened, person, item, value in rows:
        per_person[(opened.replace(day=1), person)].append(6 - value if item == "mtg4" else value)
    months: dict[dt.date, list[float]] = defaultdict(list)
    for (month, _), values in per_person.items():
        months[month].append(sum(values) / len(values))
    return {month: (len(v), sum(v) / len(v)) for month, v in months.items()}


def test_the_meeting_trend_matches_an_independent_scoring_and_suppresses_small_months(
    demo,
) -> None:
    meeting = RecurringMeeting.objects.get(programme=demo.programme)
    trend = trends.meeting_trend(meeting)
    reference = _reference_month_means(meeting)
    assert len(trend.months) == 12
    for point in trend.months:
        n, mean = reference[point.month]
        assert point.respondents == n
        if n >= 5:
            assert point.mean == pytest.approx(mean, abs=1e-9)
        else:
            assert point.mean is None
            assert "Fewer than 5" in point.reason
    suppressed = [p.month for p in trend.months if not p.shown]
    assert suppressed == [dt.date(2025, 8, 1)]
    shown = [p.mean for p in trend.shown_months]
    assert sum(shown[-3:]) / 3 > sum(shown[:3]) / 3 + 0.5
    assert [d.title for d in trend.away_days] == ["First away day", "Second away day"]


def test_the_trend_chart_marks_the_away_days(demo) -> None:
    meeting = RecurringMeeting.objects.get(programme=demo.programme)
    svg = trends.trend_chart_svg(trends.meeting_trend(meeting))
    assert svg is not None and svg.startswith("<svg")
    assert "First away day" in svg and "Second away day" in svg


def test_a_charter_hides_retired_practices_but_keeps_their_history(demo, lead, second_day) -> None:
    entries = selectors.charter_for(viewer=lead, programme=demo.programme)
    practice = entries[0]
    services.practice_revise(
        practice=practice.practice,
        away_day=second_day,
        title=practice.current.title,
        description=practice.current.description,
        why_it_matters=practice.current.why_it_matters,
        how_we_know=practice.current.how_we_know,
        retired=True,
    )
    after = selectors.charter_for(viewer=lead, programme=demo.programme)
    assert practice.practice not in [e.practice for e in after]
    history = selectors.practice_for(
        viewer=lead, programme=demo.programme, practice_id=practice.practice.pk
    )
    assert history.current.retired and len(history.versions) == len(practice.versions) + 1
