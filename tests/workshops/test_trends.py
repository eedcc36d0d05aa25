"""The meeting trend over time: a month's figure appears only once the month is over and every
meeting check that opened in it has closed, and only if the disclosure ledger allows it."""

from __future__ import annotations

import datetime as dt
import hashlib
import html

import pytest

from tandem.disclosure.models import DisclosedPopulation
from tandem.reports.feedback import build_feedback
from tandem.surveys import services as survey_services
from tandem.surveys.models import InvitationStatus, Wave, WaveKind
from tandem.workshops import services, trends
from tandem.workshops.models import RecurringMeeting

JANUARY = dt.date(2026, 1, 1)


@pytest.fixture
def meeting(demo) -> RecurringMeeting:
    return RecurringMeeting.objects.get(programme=demo.programme)


@pytest.fixture
def january_check(meeting) -> Wave:
    """The demo's January 2026 meeting check: opened on the 3rd, closed on the 13th."""
    return meeting.waves.get(opens_on=dt.date(2026, 1, 3))


def _month(trend: trends.MeetingTrend, month: dt.date) -> trends.MonthPoint:
    return next(point for point in trend.months if point.month == month)


def _respondents(wave: Wave) -> set[int]:
    # Every demo respondent answered all four questions, so each has a meetings score.
    return set(
        wave.invitations.filter(status=InvitationStatus.SUBMITTED).values_list(
            "participant_id", flat=True
        )
    )


def test_a_month_is_not_shown_before_it_is_over(meeting, clock) -> None:
    clock.move_to(dt.date(2026, 1, 20))  # January's check closed a week ago; the month goes on
    point = _month(trends.meeting_trend(meeting), JANUARY)
    assert point.pending and not point.shown
    assert point.reason.startswith("Not yet: results for January 2026 appear on 1 February 2026")
    clock.move_to(dt.date(2026, 2, 1))
    assert _month(trends.meeting_trend(meeting), JANUARY).shown


def test_a_month_waits_for_every_meeting_check_opened_in_it(
    demo, meeting, january_check, sponsor_client, clock
) -> None:
    late = survey_services.wave_create(
        programme=demo.programme,
        title="Meeting check, late January 2026",
        kind=WaveKind.PULSE,
        instrument_id="meeting-effectiveness",
        opens_on=dt.date(2026, 1, 20),
        closes_on=dt.date(2026, 2, 10),
    )
    services.recurring_meeting_update(
        meeting=meeting, name=meeting.name, waves=[*meeting.waves.all(), late]
    )
    url = f"/programmes/{demo.programme.slug}/workshops/meetings/{meeting.pk}/"

    clock.move_to(dt.date(2026, 2, 5))  # the month is over, the late check still open
    point = _month(trends.meeting_trend(meeting), JANUARY)
    assert (point.pending, point.mean) == (True, None)
    assert "appear on 11 February 2026" in point.reason
    page = html.unescape(sponsor_client.get(url).content.decode())
    assert "Not yet" in page
    assert "every meeting check in it has closed, so that no one's answers" in page
    # The months before are over and closed, and still shown.
    assert _month(trends.meeting_trend(meeting), dt.date(2025, 12, 1)).shown

    clock.move_to(dt.date(2026, 2, 11))
    point = _month(trends.meeting_trend(meeting), JANUARY)
    assert point.shown and point.respondents == len(_respondents(january_check))
    assert f"{point.mean:.2f}" in sponsor_client.get(url).content.decode()


def test_the_trend_and_the_checks_own_report_are_checked_against_each_other(
    demo, meeting, january_check
) -> None:
    point = _month(trends.meeting_trend(meeting), JANUARY)
    recorded = DisclosedPopulation.objects.get(
        programme=demo.programme, scope=f"wave:{january_check.pk}", measure="scale:meetings"
    )
    assert set(recorded.members) == _respondents(january_check)
    report = build_feedback(january_check)
    overall = next(scale for scale in report.scales if scale.id == "meetings").overall
    assert overall.shown and overall.n == point.respondents
    assert overall.value == pytest.approx(point.mean)


def test_a_month_one_person_away_from_a_population_already_shown_is_hidden(
    demo, meeting, january_check
) -> None:
    people = _respondents(january_check)
    shown_before = sorted(people - {min(people)})
    DisclosedPopulation.objects.create(
        programme=demo.programme,
        scope=f"wave:{january_check.pk}",
        measure="scale:meetings",
        digest=hashlib.sha256(",".join(map(str, shown_before)).encode()).hexdigest(),
        members=shown_before,
        size=len(shown_before),
        surface="reports.feedback",
    )
    trend = trends.meeting_trend(meeting)
    january = _month(trend, JANUARY)
    assert january.mean is None and not january.pending
    assert "differs by fewer than 5 people from a group whose figures are already shown" in (
        january.reason
    )
    assert _month(trend, dt.date(2025, 12, 1)).shown
