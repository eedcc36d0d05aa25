"""The type indicator's item bank: a versioned YAML file beside this module, read and checked.

Plain Python (no Django), so the CLI can score a file without a database. The bank is not a
survey instrument (`tandem.surveys.instruments`): it is taken by one person at a time, not in
waves, and it is scored into preferences, not scale means. See type-indicator-v1.yaml.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

import yaml

from tandem.analysis.typology import (
    ANSWER_MAX,
    ANSWER_MIN,
    PAIR_BY_ID,
    PAIRS,
    BipolarItem,
)

INDICATOR_ID: Final = "type-indicator"
CURRENT_VERSION: Final = 1
# The floor: fewer items per pair make the clarity bands too coarse to mean much.
MIN_ITEMS_PER_PAIR: Final = 8


class IndicatorError(Exception):
    """An item bank that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class IndicatorItem:
    """One bipolar item: two statements, A for `a_pole` and B for the other pole of `pair`."""

    id: str
    pair: str
    a_pole: str
    a: str
    b: str

    @property
    def b_pole(self) -> str:
        return PAIR_BY_ID[self.pair].opposite(self.a_pole)

    def as_scoring_item(self) -> BipolarItem:
        return BipolarItem(id=self.id, pair=self.pair, a_pole=self.a_pole)


@dataclass(frozen=True)
class PairText:
    title: str
    question: str


@dataclass(frozen=True)
class Indicator:
    id: str
    version: int
    title: str
    description: str
    answer_labels: tuple[tuple[int, str], ...]
    pairs: dict[str, PairText]
    items: tuple[IndicatorItem, ...]

    @property
    def scoring_items(self) -> tuple[BipolarItem, ...]:
        return tuple(item.as_scoring_item() for item in self.items)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def options_for(self, item: IndicatorItem) -> list[tuple[int, str]]:
        """The five answers to an item, worded with its two statements."""
        return [
            (value, label.replace("{a}", item.a).replace("{b}", item.b))
            for value, label in self.answer_labels
        ]


def _fail(source: str, problem: str) -> IndicatorError:
    return IndicatorError(f"{source}: {problem}")


def _text(raw: Mapping[str, Any], key: str, source: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, f"{where}: {key!r} must be non-empty text")
    return value.strip()


def parse_indicator(text: str, source: str = "<text>") -> Indicator:
    """Check an item bank and build the `Indicator`, or raise `IndicatorError`."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise _fail(source, f"YAML syntax error: {error}") from error
    if not isinstance(raw, Mapping):
        raise _fail(source, "the top level must be a mapping")
    version = raw.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _fail(source, "version must be a whole number, 1 or more")
    answers = raw.get("answers")
    if not isinstance(answers, list):
        raise _fail(source, "answers must be a list of {value, label}")
    labels = tuple((int(entry["value"]), str(entry["label"])) for entry in answers)
    if [value for value, _ in labels] != list(range(ANSWER_MIN, ANSWER_MAX + 1)):
        raise _fail(source, f"answers must have the values {ANSWER_MIN} to {ANSWER_MAX} in order")
    raw_pairs = raw.get("pairs")
    if not isinstance(raw_pairs, Mapping) or set(raw_pairs) != set(PAIR_BY_ID):
        raise _fail(source, f"pairs must describe exactly {', '.join(PAIR_BY_ID)}")
    pairs = {
        pair_id: PairText(
            title=_text(spec, "title", source, f"pair {pair_id}"),
            question=_text(spec, "question", source, f"pair {pair_id}"),
        )
        for pair_id, spec in raw_pairs.items()
    }
    items: list[IndicatorItem] = []
    seen: set[str] = set()
    for position, entry in enumerate(raw.get("items") or [], start=1):
        where = f"item {position}"
        if not isinstance(entry, Mapping) or set(entry) != {"id", "pair", "a_pole", "a", "b"}:
            raise _fail(source, f"{where} must have exactly id, pair, a_pole, a and b")
        item_id = _text(entry, "id", source, where)
        if item_id in seen:
            raise _fail(source, f"duplicate item id {item_id!r}")
        seen.add(item_id)
        pair_id = entry["pair"]
        if pair_id not in PAIR_BY_ID:
            raise _fail(source, f"item {item_id!r}: unknown pair {pair_id!r}")
        if entry["a_pole"] not in PAIR_BY_ID[pair_id].letters:
            raise _fail(source, f"item {item_id!r}: a_pole must be one of {pair_id.upper()}")
        items.append(
            IndicatorItem(
                id=item_id,
                pair=pair_id,
                a_pole=entry["a_pole"],
                a=_text(entry, "a", source, f"item {item_id!r}"),
                b=_text(entry, "b", source, f"item {item_id!r}"),
            )
        )
    for pair in PAIRS:
        members = [item for item in items if item.pair == pair.id]
        if len(members) < MIN_ITEMS_PER_PAIR:
            raise _fail(
                source,
                f"pair {pair.id} has {len(members)} items; it needs at least {MIN_ITEMS_PER_PAIR}",
            )
        # Like a scale's reverse-keyed item (docs/methods.md): each pole must appear as statement A.
        if {item.a_pole for item in members} != set(pair.letters):
            raise _fail(source, f"pair {pair.id}: each pole must be statement A in some item")
    return Indicator(
        id=_text(raw, "id", source, "the top level"),
        version=version,
        title=_text(raw, "title", source, "the top level"),
        description=_text(raw, "description", source, "the top level"),
        answer_labels=labels,
        pairs=pairs,
        items=tuple(items),
    )


@functools.cache
def get_indicator(version: int = CURRENT_VERSION) -> Indicator:
    """A shipped version of the item bank (read once per process)."""
    name = f"{INDICATOR_ID}-v{version}.yaml"
    resource = resources.files("tandem.typology").joinpath(name)
    if not resource.is_file():
        raise LookupError(f"no version {version} of the type indicator ({name})")
    return parse_indicator(resource.read_text(encoding="utf-8"), name)
