"""Programme templates: the shipped one loads, bad ones are refused by file and field, and a
template lands on the calendar exactly as its YAML says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tandem.programmes.models import MilestoneKind
from tandem.programmes.plans import (
    WAVE_KINDS,
    TemplateError,
    UnknownTemplate,
    lay_out,
    plan_for,
    programme_template,
    programme_templates,
    read_template,
)
from tandem.surveys.models import WaveKind

START = dt.date(2027, 1, 4)

GOOD = """\
id: tiny
title: Tiny
length_weeks: 10
milestones:
  - id: first
    kind: stock_take
    title: First
    offset_weeks: 0
    duration_weeks: 2
  - id: last
    kind: away_day
    title: Last
    offset_days: 60
    duration_days: 1
"""


def load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    read_template(path.read_text(encoding="utf-8"), path.name)


def test_the_shipped_partnership_template_loads() -> None:
    template = programme_template("partnership-12m")
    assert template.title == "Doctor–manager partnership, 12 months"
    assert [t.id for t in programme_templates()] == ["partnership-12m"]
    kinds = [m.kind for m in template.milestones]
    assert kinds.count(MilestoneKind.COACHING) == 4
    assert {MilestoneKind.STOCK_TAKE, MilestoneKind.REPEAT_STOCK_TAKE} <= set(kinds)
    assert template.coaching_sessions == 4


def test_an_unknown_template_names_the_id_and_the_known_ones() -> None:
    with pytest.raises(UnknownTemplate, match=r"“nope”.*partnership-12m"):
        programme_template("nope")


def test_the_wave_kinds_a_template_may_name_are_the_surveys_kinds() -> None:
    assert set(WAVE_KINDS) == set(WaveKind.values)


def test_a_good_small_template_loads(tmp_path) -> None:
    load(tmp_path, GOOD)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("kind: away_day", "kind: picnic"), 'broken.yaml: milestone "last": "kind": unknown kind'),
        (("    offset_days: 60\n", ""), 'broken.yaml: milestone "last": "offset_days": missing'),
        (("offset_days: 60", "offset_days: -3"), '"offset_days": must not be negative'),
        (("id: last", "id: first"), 'broken.yaml: milestone "first": "id": appears twice'),
        (("offset_days: 60", "offset_days: 70"), 'milestone "last": "offset_days": ends on day 71'),
        (("duration_weeks: 2", "duration_weeks: 11"), 'milestone "first": "duration_days": ends'),
    ],
)
def test_a_bad_template_is_refused_naming_file_and_field(tmp_path, change, message) -> None:
    old, new = change
    with pytest.raises(TemplateError) as caught:
        load(tmp_path, GOOD.replace(old, new, 1))
    assert message in str(caught.value)


def test_an_unknown_questionnaire_is_refused(tmp_path) -> None:
    text = GOOD + (
        "questionnaires:\n"
        "  - {milestone: first, kind: baseline, instrument: no-such-thing, title: X}\n"
    )
    with pytest.raises(TemplateError, match='questionnaire 1: "instrument": unknown questionnaire'):
        load(tmp_path, text)


def test_a_questionnaire_version_not_shipped_is_refused(tmp_path) -> None:
    text = GOOD + (
        "questionnaires:\n"
        "  - {milestone: first, kind: baseline, instrument: stock-take, version: 9, title: X}\n"
    )
    with pytest.raises(TemplateError, match='"version": no version 9'):
        load(tmp_path, text)


# The partnership template from 2027-01-04 (a Monday), worked out by hand from the YAML:
# offset weeks × 7 days after the start; a milestone lasting N days ends N − 1 days after it starts.
EXPECTED = [
    ("stock_take", dt.date(2027, 1, 11), dt.date(2027, 2, 7)),  # week 1, 4 weeks
    ("feedback", dt.date(2027, 3, 1), dt.date(2027, 3, 1)),  # week 8
    ("profiling", dt.date(2027, 3, 15), dt.date(2027, 3, 15)),  # week 10
    ("away_day", dt.date(2027, 4, 5), dt.date(2027, 4, 5)),  # week 13
    ("coaching", dt.date(2027, 4, 26), dt.date(2027, 6, 6)),  # week 16, 6 weeks
    ("coaching", dt.date(2027, 6, 21), dt.date(2027, 8, 1)),  # week 24
    ("coaching", dt.date(2027, 8, 16), dt.date(2027, 9, 26)),  # week 32
    ("away_day", dt.date(2027, 9, 27), dt.date(2027, 9, 27)),  # week 38
    ("coaching", dt.date(2027, 10, 11), dt.date(2027, 11, 21)),  # week 40
    ("repeat_stock_take", dt.date(2028, 1, 10), dt.date(2028, 2, 6)),  # week 53, 4 weeks
    ("final_away_day", dt.date(2028, 3, 13), dt.date(2028, 3, 13)),  # week 62
]


def test_the_layout_puts_each_milestone_where_the_yaml_says_in_date_order() -> None:
    template = programme_template("partnership-12m")
    planned = lay_out(template, START)
    assert [(m.kind, m.starts_on, m.ends_on) for m in planned] == EXPECTED
    end = plan_for(template, START).end_date
    assert end == dt.date(2028, 3, 27)  # 64 weeks
    assert all(START <= m.starts_on <= m.ends_on <= end for m in planned)


def test_the_plan_opens_the_stock_takes_with_their_milestones_and_a_monthly_meeting_check() -> None:
    plan = plan_for(programme_template("partnership-12m"), START)
    stock_takes = [(w.kind, w.opens_on, w.closes_on) for w in plan.waves if w.kind != "pulse"]
    assert stock_takes == [
        ("baseline", dt.date(2027, 1, 11), dt.date(2027, 2, 7)),
        ("repeat", dt.date(2028, 1, 10), dt.date(2028, 2, 6)),
    ]
    pulses = [w for w in plan.waves if w.kind == "pulse"]
    # The 11th of each month from February until the repeat stock take opens on 10 January 2028.
    assert [w.opens_on for w in pulses] == [dt.date(2027, m, 11) for m in range(2, 13)]
    assert pulses[0].closes_on == dt.date(2027, 2, 20)
    assert pulses[0].title == "Meeting check, February 2027"
    assert plan.coaching_sessions == 4
