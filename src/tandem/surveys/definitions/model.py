"""The definition as the rest of Tandem sees it: instrument, sections, items, scales, response
scales. Frozen dataclasses; a wave records (id, version) and the text never changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

# New kinds are added here when the app learns to run them, so a typo such as `stocktake` fails
# at load time instead of producing an instrument no wave can be opened with.
INSTRUMENT_KINDS: Final = ("stock_take", "pulse")
RESPONSE_SCALE_KINDS: Final = ("likert", "choice", "bipolar")

# Three items is the least for which a one-factor model (McDonald's omega, docs/methods.md) is
# identified, and the least for which Cronbach's alpha says much about a scale.
MIN_SCALE_ITEMS: Final = 3


@dataclass(frozen=True)
class ResponseOption:
    """One answer a respondent can pick. `value` is None only for "don't know" (missing)."""

    value: int | None
    label: str


@dataclass(frozen=True)
class ResponseScale:
    """A set of answers shared by many items, e.g. the five-point agreement scale."""

    id: str
    kind: str
    options: tuple[ResponseOption, ...]
    dont_know: ResponseOption | None = None

    @property
    def values(self) -> tuple[int, ...]:
        """The scored values, in the order the options are shown."""
        return tuple(option.value for option in self.options if option.value is not None)

    def reversed_value(self, value: int) -> int:
        """The score of `value` on a reverse-keyed item: min + max − value.

        docs/methods.md codes Likert answers 1–5 and reverses as 6 − x; this is the same rule for a
        scale of any length.
        """
        if value not in self.values:
            raise ValueError(f"{value} is not a value of response scale {self.id!r}")
        return min(self.values) + max(self.values) - value


@dataclass(frozen=True)
class Item:
    """One question. `scale` is the measured scale it scores into (None for unscored items)."""

    id: str
    text: str
    scale: str | None = None
    reverse: bool = False
    response_scale: str | None = None
    kind: str = "likert"


@dataclass(frozen=True)
class Section:
    """A page or block of questions of one section type, with its own short introduction.

    `options` holds settings particular to the section type (none for "likert" and "open"); in
    YAML they are the section's keys other than id, type, title, intro and items.
    """

    id: str
    type: str
    title: str
    intro: str
    items: tuple[Item, ...]
    options: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Scale:
    """A measured construct: the ids of the items scored into it, in questionnaire order."""

    id: str
    title: str
    description: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Instrument:
    """One version of a questionnaire. Waves record (id, version); the text never changes."""

    id: str
    version: int
    title: str
    description: str
    kind: str
    response_scales: dict[str, ResponseScale] = field(hash=False)
    sections: tuple[Section, ...]
    scales: dict[str, Scale] = field(hash=False)
    _by_id: dict[str, Item] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # Built once: scoring looks items up by id for every answer of every respondent.
        object.__setattr__(self, "_by_id", {item.id: item for item in self.items})

    @property
    def key(self) -> tuple[str, int]:
        """(id, version): what a wave stores to say which questions it asked."""
        return (self.id, self.version)

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item, in the order respondents see them."""
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item:
        """The item with this id; KeyError naming the instrument if there is none."""
        try:
            return self._by_id[item_id]
        except KeyError:
            raise KeyError(f"{self.id} v{self.version} has no item {item_id!r}") from None

    @property
    def likert_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.kind == "likert")

    @property
    def open_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.kind == "open")

    def scale_items(self, scale_id: str) -> tuple[Item, ...]:
        """The items scored into one scale, in questionnaire order."""
        try:
            scale = self.scales[scale_id]
        except KeyError:
            raise KeyError(f"{self.id} v{self.version} has no scale {scale_id!r}") from None
        return tuple(self._by_id[item_id] for item_id in scale.items)

    @property
    def reverse_keyed(self) -> tuple[Item, ...]:
        """Items scored min + max − answer (see `ResponseScale.reversed_value`)."""
        return tuple(item for item in self.items if item.reverse)

    def section(self, section_id: str) -> Section:
        """The section with this id; KeyError naming the instrument if there is none."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(f"{self.id} v{self.version} has no section {section_id!r}")

    def section_of(self, item_id: str) -> Section | None:
        """The section that asks this item (None for an unknown item)."""
        for section in self.sections:
            if any(item.id == item_id for item in section.items):
                return section
        return None
