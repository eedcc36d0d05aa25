"""Questionnaire definitions: the shipped instruments, the loader's checks and section types.

Plain functions with no database: the loader is pure Python so `tandem.analysis` can use it.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.surveys import instruments
from tandem.surveys.instruments import (
    SECTION_TYPES,
    Instrument,
    InstrumentError,
    Item,
    Section,
    SectionContext,
    dump_instrument,
    get_instrument,
    load_instrument,
    load_instrument_text,
    register_section_type,
    shipped_instruments,
)

INSTRUMENTS_DIR = Path(instruments.__file__).parents[1] / "instruments"

STOCK_TAKE_SCALES = {
    "communication",
    "trust",
    "roles",
    "purpose",
    "challenge",
    "meetings",
    "can_do",
    "capability",
    "bonding",
    "bridging",
    "linking",
}
SOCIAL_CAPITAL_SCALES = {"bonding", "bridging", "linking"}


# --------------------------------------------------------------------------------------------
# The shipped instruments
# --------------------------------------------------------------------------------------------


def test_every_shipped_yaml_file_loads() -> None:
    files = sorted(path.name for path in INSTRUMENTS_DIR.glob("*.yaml"))
    loaded = shipped_instruments()

    assert files == [
        "meeting-effectiveness-v1.yaml",
        "pair-check-in-v1.yaml",
        "stock-take-v1.yaml",
        "stock-take-v2.yaml",
    ]
    assert set(loaded) == {
        ("stock-take", 1),
        ("stock-take", 2),
        ("pair-check-in", 1),
        ("meeting-effectiveness", 1),
    }


def test_each_shipped_file_loads_on_its_own_under_its_file_name() -> None:
    loaded = {path.name: load_instrument(path) for path in INSTRUMENTS_DIR.glob("*.yaml")}

    assert {name: (i.id, i.version) for name, i in loaded.items()} == {
        "stock-take-v1.yaml": ("stock-take", 1),
        "stock-take-v2.yaml": ("stock-take", 2),
        "pair-check-in-v1.yaml": ("pair-check-in", 1),
        "meeting-effectiveness-v1.yaml": ("meeting-effectiveness", 1),
    }


def test_stock_take_measures_every_partnership_and_social_capital_scale() -> None:
    stock_take = get_instrument("stock-take", 1)

    assert stock_take.kind == "stock_take"
    assert set(stock_take.scales) == STOCK_TAKE_SCALES


@pytest.mark.parametrize("scale_id", sorted(STOCK_TAKE_SCALES - SOCIAL_CAPITAL_SCALES))
def test_stock_take_partnership_scales_have_four_to_six_items(scale_id: str) -> None:
    assert 4 <= len(get_instrument("stock-take").scale_items(scale_id)) <= 6


@pytest.mark.parametrize("scale_id", sorted(SOCIAL_CAPITAL_SCALES))
def test_stock_take_social_capital_scales_have_three_to_six_items(scale_id: str) -> None:
    assert 3 <= len(get_instrument("stock-take").scale_items(scale_id)) <= 6


def test_stock_take_capability_scale_covers_the_four_skill_areas() -> None:
    texts = " ".join(item.text for item in get_instrument("stock-take").scale_items("capability"))

    # influencing, communicating, finance, strategic planning (docs/design.md coaching skill areas)
    for marker in ("persuade", "explain a complicated issue", "money", "plan for where"):
        assert marker in texts


@pytest.mark.parametrize(
    ("instrument_key", "scale_id"),
    [
        (key, scale_id)
        for key, instrument in sorted(shipped_instruments().items())
        for scale_id in instrument.scales
    ],
)
def test_every_shipped_scale_has_a_reverse_keyed_item(
    instrument_key: tuple[str, int], scale_id: str
) -> None:
    instrument = shipped_instruments()[instrument_key]

    assert any(item.reverse for item in instrument.scale_items(scale_id))


def test_every_shipped_rating_item_is_scored_in_a_scale() -> None:
    unscored = [
        (instrument.id, item.id)
        for instrument in shipped_instruments().values()
        for item in instrument.likert_items
        if item.scale is None
    ]

    assert unscored == []


def test_stock_take_ends_with_three_open_questions() -> None:
    stock_take = get_instrument("stock-take")

    assert [item.id for item in stock_take.open_items] == [
        "works_well",
        "gets_in_way",
        "one_change",
    ]
    assert stock_take.sections[-1].type == "open"
    assert all(item.text.endswith("?") for item in stock_take.open_items)


def test_stock_take_offers_dont_know_on_a_five_point_agreement_scale() -> None:
    agreement = get_instrument("stock-take").response_scales["agreement5"]

    assert [option.label for option in agreement.options] == [
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ]
    assert agreement.values == (1, 2, 3, 4, 5)
    assert agreement.dont_know is not None
    assert agreement.dont_know.value is None  # missing, never a score (docs/methods.md "Scoring")


def test_reverse_keyed_answer_scores_six_minus_x_on_the_agreement_scale() -> None:
    agreement = get_instrument("stock-take").response_scales["agreement5"]

    assert [agreement.reversed_value(x) for x in (1, 2, 3, 4, 5)] == [5, 4, 3, 2, 1]


def test_every_stock_take_section_has_a_short_introduction() -> None:
    intros = {section.id: section.intro for section in get_instrument("stock-take").sections}

    assert all(intros.values()), intros
    assert max(len(intro) for intro in intros.values()) < 300


def test_no_two_stock_take_items_have_the_same_text() -> None:
    texts = Counter(item.text.casefold() for item in get_instrument("stock-take").items)

    assert [text for text, count in texts.items() if count > 1] == []


def test_pair_check_in_has_five_items_in_one_scale() -> None:
    check_in = get_instrument("pair-check-in")

    assert check_in.kind == "pulse"
    assert len(check_in.items) == 5
    assert list(check_in.scales) == ["partnership"]
    assert check_in.scales["partnership"].items == tuple(item.id for item in check_in.items)


def test_meeting_effectiveness_has_four_items_in_the_effective_meetings_scale() -> None:
    meeting = get_instrument("meeting-effectiveness")

    assert meeting.kind == "pulse"
    assert len(meeting.items) == 4
    assert meeting.scales["meetings"].title == "Effective meetings"
    assert meeting.scales["meetings"].items == tuple(item.id for item in meeting.items)


def test_get_instrument_without_a_version_returns_the_latest() -> None:
    assert get_instrument("stock-take") == get_instrument("stock-take", 2)


def test_get_instrument_names_what_is_shipped_when_asked_for_something_else() -> None:
    with pytest.raises(LookupError, match="no version 9 of 'stock-take' \\(shipped: 1, 2\\)"):
        get_instrument("stock-take", 9)
    with pytest.raises(LookupError, match="no shipped instrument 'stocktake'"):
        get_instrument("stocktake")


def test_instrument_helpers_find_items_and_scales() -> None:
    stock_take = get_instrument("stock-take")

    assert stock_take.item("trust3").reverse is True
    assert stock_take.item("trust3") in stock_take.reverse_keyed
    assert stock_take.scale_items("linking")[0].id == "link1"
    assert len(stock_take.items) == len(stock_take.likert_items) + len(stock_take.open_items)
    with pytest.raises(KeyError, match="stock-take v2 has no item 'trust99'"):
        stock_take.item("trust99")


# --------------------------------------------------------------------------------------------
# Validation: each problem named with the file, the place and what is wrong
# --------------------------------------------------------------------------------------------

SOURCE = "demo-v1.yaml"

VALID = """\
id: demo
version: 1
kind: pulse
title: Demo check
response_scales:
  agree:
    kind: likert
    options:
      - {value: 1, label: Disagree}
      - {value: 2, label: Not sure}
      - {value: 3, label: Agree}
    dont_know: Don't know
scales:
  trust:
    title: Trust
sections:
  - id: trust
    type: likert
    title: Trust
    response_scale: agree
    items:
      - {id: trust1, text: People keep their word., scale: trust}
      - {id: trust2, text: People share what they know., scale: trust}
      - {id: trust3, text: People blame each other., scale: trust, reverse: true}
  - id: views
    type: open
    title: Your views
    items:
      - {id: works_well, text: "What works well?"}
"""


def edited(old: str, new: str) -> str:
    """The valid definition with one piece of text changed (which must occur exactly once)."""
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def test_the_small_valid_definition_loads() -> None:
    demo = load_instrument_text(VALID, SOURCE)

    assert demo.scales["trust"].items == ("trust1", "trust2", "trust3")
    assert [item.id for item in demo.reverse_keyed] == ["trust3"]
    assert demo.item("works_well").kind == "open"


INVALID = [
    pytest.param(
        edited("title: Demo check\n", ""),
        'demo-v1.yaml: missing required key "title"',
        id="missing-instrument-key",
    ),
    pytest.param(
        edited("text: People share what they know., ", ""),
        'demo-v1.yaml: item "trust2": missing required key "text"',
        id="missing-item-key",
    ),
    pytest.param(
        edited("    title: Your views\n", ""),
        'demo-v1.yaml: section "views": missing required key "title"',
        id="missing-section-key",
    ),
    pytest.param(
        edited("id: works_well", "id: trust1"),
        'demo-v1.yaml: item "trust1": duplicate item id (also in section "trust")',
        id="duplicate-item-id",
    ),
    pytest.param(
        edited("id: views", "id: trust"),
        'demo-v1.yaml: section "trust": duplicate section id',
        id="duplicate-section-id",
    ),
    pytest.param(
        edited(
            "scale: trust, reverse: true}", "scale: trust, reverse: true, response_scale: agree7}"
        ),
        'demo-v1.yaml: item "trust3": unknown response scale "agree7" (defined: agree)',
        id="unknown-response-scale-on-item",
    ),
    pytest.param(
        edited("    response_scale: agree\n", "    response_scale: agreee\n"),
        'demo-v1.yaml: section "trust": unknown response scale "agreee" (defined: agree)',
        id="unknown-response-scale-on-section",
    ),
    pytest.param(
        edited("know., scale: trust}", "know., scale: trsut}"),
        'demo-v1.yaml: item "trust2": names an unknown scale "trsut" (declared: trust)',
        id="item-in-unknown-scale",
    ),
    pytest.param(
        edited("scale: trust, reverse: true}", "reverse: true}"),
        'demo-v1.yaml: scale "trust": has 2 items; a scale needs at least 3',
        id="scale-with-fewer-than-3-items",
    ),
    pytest.param(
        edited('text: "What works well?"}', 'text: "What works well?", reverse: true}'),
        'demo-v1.yaml: item "works_well": reverse key on an open question',
        id="reverse-key-on-open-question",
    ),
    pytest.param(
        edited('text: "What works well?"}', 'text: "What works well?", scale: trust}'),
        'demo-v1.yaml: item "works_well": an open question cannot belong to a scale',
        id="open-question-in-a-scale",
    ),
    pytest.param(
        edited("      - {value: 2, label: Not sure}\n", ""),
        'demo-v1.yaml: response scale "agree": has 2 options; a likert scale needs at least 3',
        id="response-scale-with-2-options",
    ),
    pytest.param(
        edited("{value: 2, label: Not sure}", "{value: 1, label: Not sure}"),
        'demo-v1.yaml: response scale "agree": duplicate option value 1',
        id="response-scale-duplicate-value",
    ),
    pytest.param(
        edited("{value: 3, label: Agree}", "{value: 5, label: Agree}"),
        'demo-v1.yaml: response scale "agree": likert option values must be consecutive whole '
        "numbers in rising order, not 1, 2, 5",
        id="likert-values-with-a-gap",
    ),
    pytest.param(
        edited("{value: 2, label: Not sure}", "{value: 2, label: agree}"),
        'demo-v1.yaml: response scale "agree": two options have the same label',
        id="response-scale-duplicate-label",
    ),
    pytest.param(
        edited("label: Not sure}", "label: No}"),
        'demo-v1.yaml: response scale "agree": option 2: "label" must be text, not False '
        "(put it in quotes)",
        id="unquoted-no-read-as-false",
    ),
    pytest.param(
        edited("version: 1\n", "version: 1.5\n"),
        "demo-v1.yaml: version 1.5 must be a whole number, 1 or more",
        id="non-integer-version",
    ),
    pytest.param(
        edited("version: 1\n", "version: one\n"),
        'demo-v1.yaml: version "one" must be a whole number, 1 or more',
        id="version-in-words",
    ),
    pytest.param(
        edited("id: demo\n", "id: demo-check\n"),
        "demo-v1.yaml: the file for demo-check version 1 must be named demo-check-v1.yaml",
        id="id-not-matching-file-name",
    ),
    pytest.param(
        edited("version: 1\n", "version: 2\n"),
        "demo-v1.yaml: the file for demo version 2 must be named demo-v2.yaml",
        id="version-not-matching-file-name",
    ),
    pytest.param(
        edited(
            '    items:\n      - {id: works_well, text: "What works well?"}\n', "    items: []\n"
        ),
        'demo-v1.yaml: section "views": has no items; a section needs at least one question',
        id="empty-items-list",
    ),
    pytest.param(
        edited("text: People keep their word.", 'text: "  "'),
        'demo-v1.yaml: item "trust1": "text" is empty',
        id="empty-text",
    ),
    pytest.param(
        edited("title: Demo check\n", "title: Demo: check\n"),
        "demo-v1.yaml: line 4: YAML syntax error: mapping values are not allowed here",
        id="yaml-syntax-error",
    ),
    pytest.param(
        edited("kind: pulse\n", "kind: pulse\nkind: stock_take\n"),
        "demo-v1.yaml: line 4: YAML syntax error: while reading a mapping "
        'the key "kind" appears twice',
        id="yaml-key-written-twice",
    ),
    pytest.param(
        edited("reverse: true}", "revrese: true}"),
        'demo-v1.yaml: item "trust3": unknown key "revrese" '
        "(allowed: id, text, scale, reverse, response_scale)",
        id="misspelt-reverse",
    ),
    pytest.param(
        edited("reverse: true}", 'reverse: "yes"}'),
        'demo-v1.yaml: item "trust3": "reverse" must be true or false, not "yes"',
        id="reverse-not-a-boolean",
    ),
    pytest.param(
        edited("    type: open\n", "    type: grid\n"),
        'demo-v1.yaml: section "views": unknown section type "grid" (known types: likert, open, roster)',
        id="unknown-section-type",
    ),
    pytest.param(
        edited("kind: pulse\n", "kind: stocktake\n"),
        'demo-v1.yaml: unknown kind "stocktake" (known: stock_take, pulse)',
        id="unknown-instrument-kind",
    ),
    pytest.param(
        edited("    kind: likert\n", "    kind: choice\n"),
        'demo-v1.yaml: item "trust1": response scale "agree" is choice, '
        "but a likert section needs a likert scale",
        id="likert-item-on-a-choice-scale",
    ),
    pytest.param(
        edited("id: trust2,", "id: Trust-2,"),
        'demo-v1.yaml: section "trust": item 2: id "Trust-2" must be lower case letters, '
        "digits and underscores, starting with a letter (at most 64)",
        id="item-id-not-usable-as-a-column-name",
    ),
    pytest.param("", "demo-v1.yaml: the definition is empty", id="empty-file"),
]


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_invalid_definition_is_refused_with_file_place_and_problem(text: str, message: str) -> None:
    with pytest.raises(InstrumentError) as refused:
        load_instrument_text(text, SOURCE)

    assert str(refused.value) == message


def test_yaml_syntax_error_records_the_line_number() -> None:
    with pytest.raises(InstrumentError) as refused:
        load_instrument_text(edited("title: Demo check\n", "title: Demo: check\n"), SOURCE)

    assert refused.value.line == 4
    assert refused.value.source == SOURCE


def test_load_instrument_names_the_file_not_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "demo-v1.yaml"
    path.write_text(edited('text: "What works well?"}', 'text: "What works well?", reverse: true}'))

    with pytest.raises(InstrumentError, match=r'^demo-v1\.yaml: item "works_well": reverse key'):
        load_instrument(path)


def test_a_definition_without_a_file_name_skips_the_file_name_check() -> None:
    pasted = load_instrument_text(edited("version: 1\n", "version: 3\n"), "<pasted>")

    assert pasted.key == ("demo", 3)


def test_instrument_error_survives_pickling_between_processes() -> None:
    error = InstrumentError(SOURCE, "reverse key on an open question", item="trust3", line=7)

    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, just made

    assert (
        str(copy)
        == str(error)
        == 'demo-v1.yaml: line 7: item "trust3": reverse key on an open question'
    )
    assert copy.item == "trust3"


# --------------------------------------------------------------------------------------------
# Pluggable section types
# --------------------------------------------------------------------------------------------


def validate_count_section(raw: Mapping[str, Any], context: SectionContext) -> Section:
    """A made-up section type: answers are whole numbers up to a maximum set on the section."""
    context.check_keys(raw, required=("id", "type", "title", "items", "max"), optional=("intro",))
    if not isinstance(raw["max"], int):
        raise context.error('"max" must be a whole number')
    items = []
    for item_id, entry in context.item_list(raw):
        context.check_keys(entry, required=("id", "text"), item=item_id)
        items.append(Item(id=item_id, text=context.text(entry, "text", item=item_id), kind="count"))
    return Section(
        id=context.section_id,
        type="count",
        title=context.text(raw, "title"),
        intro=context.text(raw, "intro", required=False),
        items=tuple(items),
        options={"max": raw["max"]},
    )


COUNT_SECTION = """\
  - id: meetings_held
    type: count
    title: Meetings
    max: 31
    items:
      - {id: joint_meetings, text: "How many joint meetings did you go to last month?"}
"""


@pytest.fixture
def count_section_type() -> Iterator[None]:
    """Register the made-up type for one test only; the registry is shared by the process."""
    saved = dict(SECTION_TYPES)
    register_section_type("count", validate_count_section)
    yield
    SECTION_TYPES.clear()
    SECTION_TYPES.update(saved)


@pytest.mark.usefixtures("count_section_type")
def test_a_registered_section_type_can_be_used_in_a_definition() -> None:
    demo = load_instrument_text(VALID + COUNT_SECTION, SOURCE)

    assert demo.sections[-1].type == "count"
    assert demo.sections[-1].options == {"max": 31}
    assert demo.item("joint_meetings").kind == "count"
    assert demo.item("joint_meetings") not in demo.likert_items + demo.open_items


@pytest.mark.usefixtures("count_section_type")
def test_a_registered_section_type_round_trips_with_its_options() -> None:
    demo = load_instrument_text(VALID + COUNT_SECTION, SOURCE)

    assert load_instrument_text(dump_instrument(demo), SOURCE) == demo


@pytest.mark.usefixtures("count_section_type")
def test_a_registered_section_type_gets_the_loaders_instrument_wide_checks() -> None:
    clash = COUNT_SECTION.replace("id: joint_meetings", "id: trust1")

    with pytest.raises(InstrumentError) as refused:
        load_instrument_text(VALID + clash, SOURCE)

    assert str(refused.value) == (
        'demo-v1.yaml: item "trust1": duplicate item id (also in section "trust")'
    )


@pytest.mark.usefixtures("count_section_type")
def test_a_registered_section_types_own_errors_name_the_file_and_section() -> None:
    with pytest.raises(InstrumentError) as refused:
        load_instrument_text(VALID + COUNT_SECTION.replace("max: 31", "max: lots"), SOURCE)

    assert (
        str(refused.value) == 'demo-v1.yaml: section "meetings_held": "max" must be a whole number'
    )


@pytest.mark.usefixtures("count_section_type")
def test_unknown_section_type_error_lists_every_registered_type() -> None:
    with pytest.raises(InstrumentError) as refused:
        load_instrument_text(edited("    type: open\n", "    type: grid\n"), SOURCE)

    assert str(refused.value).endswith(
        'unknown section type "grid" (known types: count, likert, open, roster)'
    )


@pytest.mark.usefixtures("count_section_type")
def test_a_taken_section_type_name_is_not_silently_replaced() -> None:
    register_section_type("count", validate_count_section)  # the same validator again: harmless

    with pytest.raises(ValueError, match="section type 'open' is already registered"):
        register_section_type("open", validate_count_section)


# --------------------------------------------------------------------------------------------
# Round trip: any valid definition loads, and dumping it loses nothing
# --------------------------------------------------------------------------------------------

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
# Wording includes what YAML would misread if written unquoted (No, null, 1, "a: b", "# x").
WORDING = st.one_of(
    st.text(
        alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
        min_size=1,
        max_size=40,
    ).filter(str.strip),
    st.sampled_from(
        ["No", "yes", "null", "1", "- a", "a: b", "# not a comment", "‘Don’t know’ – £5"]
    ),
)


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, Any]:
    """A random definition that obeys every rule the loader checks."""
    points = draw(st.integers(min_value=3, max_value=7))
    first = draw(st.integers(min_value=-3, max_value=1))
    labels = draw(
        st.lists(
            WORDING,
            min_size=points + 1,
            max_size=points + 1,
            unique_by=lambda s: s.strip().casefold(),
        )
    )
    response_scale: dict[str, Any] = {
        "kind": "likert",
        "options": [{"value": first + n, "label": labels[n]} for n in range(points)],
    }
    if draw(st.booleans()):
        response_scale["dont_know"] = labels[-1]

    scale_ids = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    sizes = [draw(st.integers(min_value=3, max_value=5)) for _ in scale_ids]
    rated_scales: list[str | None] = [
        s for s, size in zip(scale_ids, sizes, strict=True) for _ in range(size)
    ]
    rated_scales += [None] * draw(st.integers(min_value=0, max_value=3))
    rated_scales = draw(st.permutations(rated_scales))
    open_count = draw(st.integers(min_value=0, max_value=3))
    item_ids = draw(
        st.lists(
            NAMES,
            min_size=len(rated_scales) + open_count,
            max_size=len(rated_scales) + open_count,
            unique=True,
        )
    )

    rated = []
    for item_id, scale_id in zip(item_ids, rated_scales, strict=False):
        entry: dict[str, Any] = {"id": item_id, "text": draw(WORDING), "response_scale": "points"}
        if scale_id is not None:
            entry["scale"] = scale_id
        entry["reverse"] = draw(st.booleans())
        rated.append(entry)
    cut = draw(st.integers(min_value=1, max_value=len(rated)))
    sections: list[dict[str, Any]] = [
        {"id": "part_one", "type": "likert", "title": draw(WORDING), "items": rated[:cut]},
    ]
    if rated[cut:]:
        sections.append(
            {
                "id": "part_two",
                "type": "likert",
                "title": draw(WORDING),
                "intro": draw(WORDING),
                "items": rated[cut:],
            }
        )
    if open_count:
        sections.append(
            {
                "id": "in_your_words",
                "type": "open",
                "title": draw(WORDING),
                "items": [
                    {"id": item_id, "text": draw(WORDING)} for item_id in item_ids[len(rated) :]
                ],
            }
        )
    return {
        "id": draw(st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)),
        "version": draw(st.integers(min_value=1, max_value=40)),
        "kind": draw(st.sampled_from(["stock_take", "pulse"])),
        "title": draw(WORDING),
        "response_scales": {"points": response_scale},
        "scales": {scale_id: {"title": draw(WORDING)} for scale_id in scale_ids},
        "sections": sections,
    }


# The autouse settings fixture in tests/conftest.py is function-scoped but has nothing a
# hypothesis example could leave behind for the next one.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(definitions())
def test_a_random_valid_definition_loads_and_round_trips(definition: dict[str, Any]) -> None:
    source = f"{definition['id']}-v{definition['version']}.yaml"

    loaded = load_instrument_text(yaml.safe_dump(definition, allow_unicode=True), source)
    reloaded = load_instrument_text(dump_instrument(loaded), source)

    assert reloaded == loaded
    assert [item.id for item in loaded.items] == [
        item["id"] for section in definition["sections"] for item in section["items"]
    ]
    assert [item.text for item in loaded.items] == [
        item["text"].strip() for section in definition["sections"] for item in section["items"]
    ]
    assert {scale.id: len(scale.items) for scale in loaded.scales.values()} == dict(
        Counter(
            item["scale"]
            for section in definition["sections"]
            for item in section["items"]
            if "scale" in item
        )
    )


@pytest.mark.parametrize("key", sorted(shipped_instruments()))
def test_shipped_instrument_round_trips_through_yaml(key: tuple[str, int]) -> None:
    instrument = shipped_instruments()[key]

    assert (
        load_instrument_text(dump_instrument(instrument), f"{key[0]}-v{key[1]}.yaml") == instrument
    )


def test_instrument_is_a_frozen_value() -> None:
    stock_take: Instrument = get_instrument("stock-take")

    with pytest.raises(AttributeError):
        stock_take.version = 2  # type: ignore[misc]
