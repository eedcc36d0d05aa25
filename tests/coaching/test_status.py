"""Stalled plans and coaching dose: date arithmetic, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.coaching.status import CoachingDose, coaching_dose, stalled_since

D = dt.date


@pytest.mark.parametrize(
    ("case", "started_on", "attended_on", "next_booked", "done", "today", "expected"),
    [
        ("never met, gap not yet over", D(2025, 5, 1), [], None, 0, D(2025, 6, 12), None),
        ("never met, gap over", D(2025, 5, 1), [], None, 0, D(2025, 6, 13), D(2025, 6, 12)),
        ("last session 42 days ago", D(2025, 5, 1), [D(2025, 7, 1)], None, 1, D(2025, 8, 12), None),
        (
            "last session 43 days ago",
            D(2025, 5, 1),
            [D(2025, 7, 1)],
            None,
            1,
            D(2025, 8, 13),
            D(2025, 8, 12),
        ),
        (
            "a session is booked, however late",
            D(2025, 5, 1),
            [D(2025, 7, 1)],
            D(2026, 1, 5),
            1,
            D(2025, 12, 1),
            None,
        ),
        (
            "all planned sessions done",
            D(2025, 5, 1),
            [D(2025, 5, 5)] * 4,
            None,
            4,
            D(2026, 5, 1),
            None,
        ),
        (
            "counted from the latest session, not the first",
            D(2025, 5, 1),
            [D(2025, 9, 1), D(2025, 6, 1)],
            None,
            2,
            D(2025, 10, 1),
            None,
        ),
    ],
)
def test_a_plan_stalls_after_the_gap_with_nothing_booked(
    case, started_on, attended_on, next_booked, done, today, expected
) -> None:
    assert (
        stalled_since(
            started_on=started_on,
            attended_on=attended_on,
            next_booked=next_booked,
            sessions_done=done,
            planned=4,
            gap_days=42,
            today=today,
        )
        == expected
    ), case


@pytest.mark.parametrize(
    ("attended_on", "expected"),
    [
        ([], CoachingDose(sessions_attended=0, weeks_in_coaching=0.0)),
        ([D(2025, 5, 6)], CoachingDose(sessions_attended=1, weeks_in_coaching=0.0)),
        ([D(2025, 5, 6), D(2025, 6, 3)], CoachingDose(sessions_attended=2, weeks_in_coaching=4.0)),
        (
            [D(2025, 9, 1), D(2025, 5, 1), D(2025, 7, 1), D(2025, 11, 3)],
            CoachingDose(sessions_attended=4, weeks_in_coaching=26.6),
        ),
    ],
)
def test_coaching_dose_counts_sessions_and_weeks_between_first_and_last(
    attended_on, expected
) -> None:
    assert coaching_dose(attended_on=attended_on) == expected
