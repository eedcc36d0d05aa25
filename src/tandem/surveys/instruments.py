"""Questionnaire definitions: the YAML format Tandem's instruments are written in, and its checks.

An instrument (the stock take, a pulse survey) is a versioned YAML file, `<id>-v<version>.yaml`:

    id: stock-take
    version: 1
    kind: stock_take                 # stock_take | pulse
    title: Partnership stock take
    description: Why we ask, and who sees the answers.
    response_scales:
      agreement5:
        kind: likert                 # likert | choice | bipolar
        options:
          - {value: 1, label: Strongly disagree}
          - ...
        dont_know: Don't know        # optional; recorded as missing, never as a score
    scales:
      communication:
        title: Communication between doctors and managers
        description: How quickly and directly the two professions keep each other informed.
    sections:
      - id: communication
        type: likert                 # likert | open | any registered section type
        title: Talking to each other
        intro: A sentence or two shown above the questions.
        response_scale: agreement5   # default for the section's items
        items:
          - {id: comm1, text: ..., scale: communication}
          - {id: comm5, text: ..., scale: communication, reverse: true}
      - id: your_views
        type: open
        title: In your own words
        items:
          - {id: works_well, text: What works well ...?}

A scale's items are the items that name it, in the order they appear, so the file says once which
scale an item belongs to. The loader checks everything a wave relies on before any participant
sees a question: a typo in `reverse` or a scale id would otherwise mis-score a whole wave without a
visible error.

This module is plain Python (no Django) so that `tandem.analysis` and the CLI can read the same
definitions the web app serves. Section types are pluggable (`register_section_type`, the public
plug-in interface is `tandem.surveys.sections`): the networks app registers its roster section
type from its AppConfig.ready(), so this module needs to know nothing about it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

__all__ = [
    "INSTRUMENT_KINDS",
    "MIN_SCALE_ITEMS",
    "RESPONSE_SCALE_KINDS",
    "SECTION_TYPES",
    "Instrument",
    "InstrumentError",
    "Item",
    "ResponseOption",
    "ResponseScale",
    "Scale",
    "Section",
    "SectionContext",
    "SectionDumper",
    "SectionType",
    "SectionValidator",
    "dump_instrument",
    "dump_section",
    "get_instrument",
    "instrument_to_dict",
    "load_instrument",
    "load_instrument_text",
    "register_section_type",
    "shipped_instruments",
]

# New kinds are added here when the app learns to run them, so a typo such as `stocktake` fails
# at load time instead of producing an instrument no wave can be opened with.
INSTRUMENT_KINDS: Final = ("stock_take", "pulse")
RESPONSE_SCALE_KINDS: Final = ("likert", "choice", "bipolar")

# Three items is the least for which a one-factor model (McDonald's omega, docs/methods.md) is
# identified, and the least for which Cronbach's alpha says much about a scale.
MIN_SCALE_ITEMS: Final = 3

# Item, scale, section and response-scale ids become column names in CSV and SPSS (.sav) exports:
# SPSS names must start with a letter, allow no hyphens and are at most 64 bytes.
_ID_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")
# Instrument ids appear in file names and URLs, where hyphens read better.
_INSTRUMENT_ID_PATTERN: Final = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_YAML_SUFFIXES: Final = (".yaml", ".yml")

_INSTRUMENT_KEYS: Final = (
    "id",
    "version",
    "kind",
    "title",
    "description",
    "response_scales",
    "scales",
    "sections",
)
_INSTRUMENT_REQUIRED: Final = ("id", "version", "kind", "title", "sections")


# --------------------------------------------------------------------------------------------
# The definition, as the rest of Tandem sees it
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class InstrumentError(Exception):
    """A definition that cannot be used, with the file, the place in it and the problem.

    The message reads like `stock-take-v1.yaml: item "trust3": reverse key on an open question`
    so that an OD lead editing YAML can find the line without reading a traceback.
    """

    def __init__(
        self,
        source: str,
        problem: str,
        *,
        item: str | None = None,
        section: str | None = None,
        scale: str | None = None,
        response_scale: str | None = None,
        line: int | None = None,
    ) -> None:
        self.source = source
        self.problem = problem
        self.item = item
        self.section = section
        self.scale = scale
        self.response_scale = response_scale
        self.line = line
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [self.source]
        if self.line is not None:
            parts.append(f"line {self.line}")
        # The item id is unique in the whole instrument, so it locates the problem on its own.
        if self.item is not None:
            parts.append(f'item "{self.item}"')
        elif self.section is not None:
            parts.append(f'section "{self.section}"')
        if self.scale is not None:
            parts.append(f'scale "{self.scale}"')
        if self.response_scale is not None:
            parts.append(f'response scale "{self.response_scale}"')
        parts.append(self.problem)
        return ": ".join(parts)

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments do not survive the default Exception pickling (pytest-xdist and
        # multiprocessing pass errors between processes).
        rebuild = functools.partial(
            type(self),
            self.source,
            self.problem,
            item=self.item,
            section=self.section,
            scale=self.scale,
            response_scale=self.response_scale,
            line=self.line,
        )
        return (rebuild, ())


def _known(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)) or "(none)"


def _show(value: Any) -> str:
    """A value from the file as an author would recognise it: names in double quotes."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


# --------------------------------------------------------------------------------------------
# Pluggable section types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionContext:
    """What a section validator may know about the instrument, and helpers that word errors alike.

    Every helper raises `InstrumentError` already naming the file, section and item, so a section
    type written elsewhere (the network roster) reports problems in the same words as the
    built-in ones.
    """

    source: str
    section_id: str
    response_scales: Mapping[str, ResponseScale]
    scale_ids: frozenset[str]

    def error(self, problem: str, *, item: str | None = None) -> InstrumentError:
        return InstrumentError(self.source, problem, item=item, section=self.section_id)

    def check_keys(
        self,
        raw: Mapping[str, Any],
        *,
        required: Iterable[str],
        optional: Iterable[str] = (),
        item: str | None = None,
    ) -> None:
        """Refuse missing and unknown keys; a misspelt `reverse` must not pass silently."""
        required = tuple(required)
        allowed = (*required, *optional)
        for key in required:
            if key not in raw:
                raise self.error(f'missing required key "{key}"', item=item)
        unknown = [str(key) for key in raw if key not in allowed]
        if unknown:
            raise self.error(
                f"unknown key {_quoted(unknown)} (allowed: {', '.join(allowed)})",
                item=item,
            )

    def text(
        self,
        raw: Mapping[str, Any],
        key: str,
        *,
        item: str | None = None,
        required: bool = True,
    ) -> str:
        """A non-empty piece of wording, stripped; "" when optional and absent."""
        return _text(
            raw, key, required=required, fail=lambda problem: self.error(problem, item=item)
        )

    def flag(self, raw: Mapping[str, Any], key: str, *, item: str | None = None) -> bool:
        """A true/false setting, False when absent."""
        value = raw.get(key, False)
        if not isinstance(value, bool):
            raise self.error(f'"{key}" must be true or false, not {_show(value)}', item=item)
        return value

    def item_list(self, raw: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
        """The section's items as (id, raw item), each a mapping with a well-formed id."""
        entries = raw.get("items")
        if entries is None:
            raise self.error('missing required key "items"')
        if not isinstance(entries, list):
            raise self.error('"items" must be a list of questions')
        if not entries:
            raise self.error("has no items; a section needs at least one question")
        found = []
        for position, entry in enumerate(entries, start=1):
            if not isinstance(entry, Mapping):
                raise self.error(f"item {position} must be a mapping with an id and a text")
            if "id" not in entry:
                raise self.error(f'item {position}: missing required key "id"')
            item_id = entry["id"]
            if not isinstance(item_id, str) or not _ID_PATTERN.fullmatch(item_id):
                raise self.error(
                    f"item {position}: id {_show(item_id)} must be lower case letters, digits and "
                    "underscores, starting with a letter (at most 64)"
                )
            found.append((item_id, entry))
        return found

    def response_scale(self, name: Any, *, item: str) -> ResponseScale:
        """The response scale an item names; the error lists the ones the instrument defines."""
        if name is None:
            raise self.error(
                "has no response scale (give response_scale on the item or its section)",
                item=item,
            )
        if not isinstance(name, str) or name not in self.response_scales:
            raise self.error(
                f"unknown response scale {_show(name)} (defined: {_known(self.response_scales)})",
                item=item,
            )
        return self.response_scales[name]

    def scale(self, raw: Mapping[str, Any], *, item: str) -> str | None:
        """The measured scale an item names, if any; it must be declared under `scales`."""
        name = raw.get("scale")
        if name is None:
            return None
        if not isinstance(name, str) or name not in self.scale_ids:
            raise self.error(
                f"names an unknown scale {_show(name)} (declared: {_known(self.scale_ids)})",
                item=item,
            )
        return name


SectionValidator = Callable[[Mapping[str, Any], SectionContext], Section]
SectionDumper = Callable[[Section], dict[str, Any]]


def dump_section(section: Section) -> dict[str, Any]:
    """The YAML form of a section: fixed keys, then its options, then items with non-defaults."""
    dumped: dict[str, Any] = {"id": section.id, "type": section.type, "title": section.title}
    if section.intro:
        dumped["intro"] = section.intro
    dumped.update(section.options)
    items = []
    for item in section.items:
        entry: dict[str, Any] = {"id": item.id, "text": item.text}
        if item.scale is not None:
            entry["scale"] = item.scale
        if item.reverse:
            entry["reverse"] = True
        if item.response_scale is not None:
            entry["response_scale"] = item.response_scale
        items.append(entry)
    dumped["items"] = items
    return dumped


@dataclass(frozen=True)
class SectionType:
    """A kind of section: how its YAML is checked and turned into a `Section`, and back."""

    name: str
    validate: SectionValidator
    dump: SectionDumper = dump_section


SECTION_TYPES: dict[str, SectionType] = {}


def register_section_type(
    name: str,
    validator: SectionValidator,
    *,
    dumper: SectionDumper = dump_section,
    replace: bool = False,
) -> SectionType:
    """Make `type: <name>` usable in sections.

    The validator receives the raw section mapping (id and type already checked) and a
    `SectionContext`; it returns a `Section` or raises `InstrumentError` (the context's helpers
    build one). The loader then checks, for every section type alike, that item ids are unique
    and that items name declared scales and response scales.

    Registering the same validator twice is harmless (a module imported again); registering a
    different one under a taken name is refused unless `replace` says it is meant.
    """
    if not _ID_PATTERN.fullmatch(name):
        raise ValueError(f"section type name {name!r} must be a lower-case identifier")
    existing = SECTION_TYPES.get(name)
    if existing is not None and existing.validate is not validator and not replace:
        raise ValueError(f"section type {name!r} is already registered")
    section_type = SectionType(name=name, validate=validator, dump=dumper)
    SECTION_TYPES[name] = section_type
    return section_type


def _section_header(raw: Mapping[str, Any], context: SectionContext) -> tuple[str, str]:
    return context.text(raw, "title"), context.text(raw, "intro", required=False)


def _validate_likert_section(raw: Mapping[str, Any], context: SectionContext) -> Section:
    """Rating questions: each item answered on a Likert response scale, optionally scored."""
    context.check_keys(
        raw, required=("id", "type", "title", "items"), optional=("intro", "response_scale")
    )
    title, intro = _section_header(raw, context)
    default_scale = raw.get("response_scale")
    if default_scale is not None and (
        not isinstance(default_scale, str) or default_scale not in context.response_scales
    ):
        raise context.error(
            f"unknown response scale {_show(default_scale)} (defined: {_known(context.response_scales)})"
        )
    items = []
    for item_id, entry in context.item_list(raw):
        context.check_keys(
            entry,
            required=("id", "text"),
            optional=("scale", "reverse", "response_scale"),
            item=item_id,
        )
        response_scale = context.response_scale(
            entry.get("response_scale", default_scale), item=item_id
        )
        if response_scale.kind != "likert":
            raise context.error(
                f'response scale "{response_scale.id}" is {response_scale.kind}, '
                "but a likert section needs a likert scale",
                item=item_id,
            )
        items.append(
            Item(
                id=item_id,
                text=context.text(entry, "text", item=item_id),
                scale=context.scale(entry, item=item_id),
                reverse=context.flag(entry, "reverse", item=item_id),
                response_scale=response_scale.id,
                kind="likert",
            )
        )
    return Section(
        id=context.section_id, type="likert", title=title, intro=intro, items=tuple(items)
    )


def _validate_open_section(raw: Mapping[str, Any], context: SectionContext) -> Section:
    """Free-text questions: never scored, so they take no scale, response scale or reverse key."""
    context.check_keys(raw, required=("id", "type", "title", "items"), optional=("intro",))
    title, intro = _section_header(raw, context)
    items = []
    for item_id, entry in context.item_list(raw):
        # Named before the general key check so the author learns why, not just "unknown key".
        if "reverse" in entry:
            raise context.error("reverse key on an open question", item=item_id)
        if "scale" in entry:
            raise context.error("an open question cannot belong to a scale", item=item_id)
        if "response_scale" in entry:
            raise context.error("an open question takes no response scale", item=item_id)
        context.check_keys(entry, required=("id", "text"), item=item_id)
        items.append(Item(id=item_id, text=context.text(entry, "text", item=item_id), kind="open"))
    return Section(id=context.section_id, type="open", title=title, intro=intro, items=tuple(items))


register_section_type("likert", _validate_likert_section)
register_section_type("open", _validate_open_section)


# --------------------------------------------------------------------------------------------
# Reading YAML
# --------------------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping.

    PyYAML silently keeps the last of two equal keys; in a questionnaire that would drop an
    item's `reverse: true` or a whole response scale without a word.
    """


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key: construct_mapping reports it in YAML's words
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"the key {_show(key)} appears twice",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def _parse_yaml(text: str, source: str) -> Any:
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        raise InstrumentError(
            source,
            f"YAML syntax error: {problem}",
            line=mark.line + 1 if mark is not None else None,
        ) from exc
    except yaml.YAMLError as exc:
        raise InstrumentError(source, f"YAML syntax error: {exc}") from exc
    finally:
        loader.dispose()


def _text(
    raw: Mapping[str, Any], key: str, *, required: bool, fail: Callable[[str], InstrumentError]
) -> str:
    if key not in raw or raw[key] is None:
        if required:
            raise fail(f'missing required key "{key}"')
        return ""
    value = raw[key]
    if not isinstance(value, str):
        # YAML reads an unquoted No, Yes, Off or 1 as a boolean or number, not as wording.
        raise fail(f'"{key}" must be text, not {_show(value)} (put it in quotes)')
    value = value.strip()
    if not value:
        raise fail(f'"{key}" is empty')
    return value


def _prefixed(
    fail: Callable[[str], InstrumentError], prefix: str
) -> Callable[[str], InstrumentError]:
    """`fail`, with a position ("option 2", "section 3") put before the problem."""

    def prefixed_fail(problem: str) -> InstrumentError:
        return fail(f"{prefix}: {problem}")

    return prefixed_fail


def _check_id(value: Any, fail: Callable[[str], InstrumentError], what: str) -> str:
    if not isinstance(value, str) or not _ID_PATTERN.fullmatch(value):
        raise fail(
            f"{what} id {_show(value)} must be lower case letters, digits and underscores, "
            "starting with a letter (at most 64)"
        )
    return value


def _mapping(value: Any, fail: Callable[[str], InstrumentError], what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise fail(f"{what} must be a mapping of keys to values")
    return value


def _read_response_scale(scale_id: str, raw: Any, source: str) -> ResponseScale:
    def fail(problem: str) -> InstrumentError:
        return InstrumentError(source, problem, response_scale=scale_id)

    spec = _mapping(raw, fail, "a response scale")
    allowed = ("kind", "options", "dont_know")
    for key in ("kind", "options"):
        if key not in spec:
            raise fail(f'missing required key "{key}"')
    unknown = [str(key) for key in spec if key not in allowed]
    if unknown:
        raise fail(f"unknown key {_quoted(unknown)} (allowed: {', '.join(allowed)})")
    kind = spec["kind"]
    if kind not in RESPONSE_SCALE_KINDS:
        raise fail(f"unknown kind {_show(kind)} (known: {', '.join(RESPONSE_SCALE_KINDS)})")
    entries = spec["options"]
    if not isinstance(entries, list):
        raise fail('"options" must be a list of {value, label}')
    options = []
    values: list[int] = []
    for position, entry in enumerate(entries, start=1):
        option = _mapping(entry, fail, f"option {position}")
        if set(option) != {"value", "label"}:
            raise fail(f"option {position} must have exactly a value and a label")
        value = option["value"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"option {position}: value {_show(value)} must be a whole number")
        label = _text(option, "label", required=True, fail=_prefixed(fail, f"option {position}"))
        options.append(ResponseOption(value=value, label=label))
        values.append(value)
    # A yes/no choice is a real question; a two-point rating is not a scale.
    least = 2 if kind == "choice" else 3
    if len(options) < least:
        raise fail(f"has {len(options)} options; a {kind} scale needs at least {least}")
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        raise fail(f"duplicate option value {', '.join(str(v) for v in duplicates)}")
    # Consecutive, rising values make a reverse key well defined (min + max − x, docs/methods.md).
    if kind == "likert" and values != list(range(values[0], values[0] + len(values))):
        raise fail(
            "likert option values must be consecutive whole numbers in rising order, "
            f"not {', '.join(str(v) for v in values)}"
        )
    dont_know = None
    if spec.get("dont_know") is not None:
        label = _text(spec, "dont_know", required=True, fail=fail)
        dont_know = ResponseOption(value=None, label=label)
    labels = [option.label.casefold() for option in options]
    if dont_know is not None:
        labels.append(dont_know.label.casefold())
    if len(set(labels)) != len(labels):
        raise fail("two options have the same label")
    return ResponseScale(id=scale_id, kind=kind, options=tuple(options), dont_know=dont_know)


def _read_scale_header(scale_id: str, raw: Any, source: str) -> tuple[str, str]:
    def fail(problem: str) -> InstrumentError:
        return InstrumentError(source, problem, scale=scale_id)

    spec = _mapping(raw, fail, "a scale")
    unknown = [str(key) for key in spec if key not in ("title", "description")]
    if unknown:
        raise fail(f"unknown key {_quoted(unknown)} (allowed: title, description)")
    return _text(spec, "title", required=True, fail=fail), _text(
        spec, "description", required=False, fail=fail
    )


def _read_sections(
    raw_sections: Any,
    source: str,
    response_scales: Mapping[str, ResponseScale],
    scale_ids: frozenset[str],
) -> tuple[Section, ...]:
    def fail(problem: str) -> InstrumentError:
        return InstrumentError(source, problem)

    if not isinstance(raw_sections, list):
        raise fail('"sections" must be a list of sections')
    if not raw_sections:
        raise fail("has no sections")
    sections: list[Section] = []
    seen_sections: set[str] = set()
    seen_items: dict[str, str] = {}
    for position, entry in enumerate(raw_sections, start=1):
        raw = _mapping(entry, fail, f"section {position}")
        if "id" not in raw:
            raise fail(f'section {position}: missing required key "id"')
        section_id = _check_id(raw["id"], _prefixed(fail, f"section {position}"), "section")

        def section_fail(problem: str, section_id: str = section_id) -> InstrumentError:
            return InstrumentError(source, problem, section=section_id)

        if section_id in seen_sections:
            raise section_fail("duplicate section id")
        seen_sections.add(section_id)
        if "type" not in raw:
            raise section_fail('missing required key "type"')
        type_name = raw["type"]
        section_type = SECTION_TYPES.get(type_name) if isinstance(type_name, str) else None
        if section_type is None:
            raise section_fail(
                f"unknown section type {_show(type_name)} (known types: {_known(SECTION_TYPES)})"
            )
        context = SectionContext(
            source=source,
            section_id=section_id,
            response_scales=response_scales,
            scale_ids=scale_ids,
        )
        section = section_type.validate(raw, context)
        if not isinstance(section, Section) or section.id != section_id:
            raise TypeError(
                f"section type {type_name!r} must return a Section with id {section_id!r}, "
                f"got {section!r}"
            )
        for item in section.items:
            if item.id in seen_items:
                raise InstrumentError(
                    source,
                    f'duplicate item id (also in section "{seen_items[item.id]}")',
                    item=item.id,
                )
            seen_items[item.id] = section_id
            # Checked again here so a section type registered elsewhere cannot skip it.
            if item.scale is not None and item.scale not in scale_ids:
                raise InstrumentError(
                    source, f"names an unknown scale {_show(item.scale)}", item=item.id
                )
            if item.response_scale is not None and item.response_scale not in response_scales:
                raise InstrumentError(
                    source, f"unknown response scale {_show(item.response_scale)}", item=item.id
                )
        sections.append(section)
    return tuple(sections)


def _assemble_scales(
    headers: Mapping[str, tuple[str, str]], sections: tuple[Section, ...], source: str
) -> dict[str, Scale]:
    members: dict[str, list[Item]] = {scale_id: [] for scale_id in headers}
    for section in sections:
        for item in section.items:
            if item.scale is not None:
                members[item.scale].append(item)
    scales = {}
    for scale_id, (title, description) in headers.items():
        items = members[scale_id]
        if len(items) < MIN_SCALE_ITEMS:
            raise InstrumentError(
                source,
                f"has {len(items)} items; a scale needs at least {MIN_SCALE_ITEMS}",
                scale=scale_id,
            )
        # A mean over answers on different response scales (1–5 beside 1–7) has no meaning.
        answered_on = {item.response_scale for item in items}
        if len(answered_on) > 1:
            raise InstrumentError(
                source,
                "items use different response scales "
                f"({_known(str(name) for name in answered_on)}); a scale's items must share one",
                scale=scale_id,
            )
        scales[scale_id] = Scale(
            id=scale_id,
            title=title,
            description=description,
            items=tuple(item.id for item in items),
        )
    return scales


def load_instrument_text(text: str, source_name: str = "<text>") -> Instrument:
    """Check a definition and build the `Instrument`, or raise the first `InstrumentError`.

    `source_name` names the definition in error messages. When it is a YAML file name it must
    also read `<id>-v<version>.yaml`, so that two files can never claim the same version; a
    definition pasted into a form (no file name) skips that check.
    """
    source = source_name

    def fail(problem: str) -> InstrumentError:
        return InstrumentError(source, problem)

    data = _parse_yaml(text, source)
    if data is None:
        raise fail("the definition is empty")
    raw = _mapping(data, fail, "the top level")
    for key in _INSTRUMENT_REQUIRED:
        if key not in raw:
            raise fail(f'missing required key "{key}"')
    unknown = [str(key) for key in raw if key not in _INSTRUMENT_KEYS]
    if unknown:
        raise fail(f"unknown key {_quoted(unknown)} (allowed: {', '.join(_INSTRUMENT_KEYS)})")

    instrument_id = raw["id"]
    if not isinstance(instrument_id, str) or not _INSTRUMENT_ID_PATTERN.fullmatch(instrument_id):
        raise fail(
            f"instrument id {_show(instrument_id)} must be lower case letters and digits, "
            "words joined by hyphens (e.g. stock-take)"
        )
    version = raw["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise fail(f"version {_show(version)} must be a whole number, 1 or more")
    if source.endswith(_YAML_SUFFIXES):
        expected = f"{instrument_id}-v{version}.yaml"
        if Path(source).name != expected:
            raise fail(f"the file for {instrument_id} version {version} must be named {expected}")
    kind = raw["kind"]
    if kind not in INSTRUMENT_KINDS:
        raise fail(f"unknown kind {_show(kind)} (known: {', '.join(INSTRUMENT_KINDS)})")
    title = _text(raw, "title", required=True, fail=fail)
    description = _text(raw, "description", required=False, fail=fail)

    raw_response_scales = _mapping(raw.get("response_scales") or {}, fail, '"response_scales"')
    response_scales = {
        _check_id(scale_id, fail, "response scale"): _read_response_scale(scale_id, spec, source)
        for scale_id, spec in raw_response_scales.items()
    }
    raw_scales = _mapping(raw.get("scales") or {}, fail, '"scales"')
    headers = {
        _check_id(scale_id, fail, "scale"): _read_scale_header(scale_id, spec, source)
        for scale_id, spec in raw_scales.items()
    }
    sections = _read_sections(raw["sections"], source, response_scales, frozenset(headers))
    scales = _assemble_scales(headers, sections, source)
    return Instrument(
        id=instrument_id,
        version=version,
        title=title,
        description=description,
        kind=kind,
        response_scales=response_scales,
        sections=sections,
        scales=scales,
    )


def load_instrument(path: str | Path) -> Instrument:
    """Load and check one YAML file; errors name the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InstrumentError(path.name, f"is not UTF-8 text ({exc.reason})") from exc
    return load_instrument_text(text, path.name)


# --------------------------------------------------------------------------------------------
# Writing YAML (round trip: a wave can store the exact definition it was run with)
# --------------------------------------------------------------------------------------------


def instrument_to_dict(instrument: Instrument) -> dict[str, Any]:
    """The plain-data form that `load_instrument_text` reads back to an equal `Instrument`."""
    response_scales: dict[str, Any] = {}
    for scale_id, response_scale in instrument.response_scales.items():
        spec: dict[str, Any] = {
            "kind": response_scale.kind,
            "options": [
                {"value": option.value, "label": option.label} for option in response_scale.options
            ],
        }
        if response_scale.dont_know is not None:
            spec["dont_know"] = response_scale.dont_know.label
        response_scales[scale_id] = spec
    scales: dict[str, Any] = {}
    for scale_id, scale in instrument.scales.items():
        scales[scale_id] = {"title": scale.title}
        if scale.description:
            scales[scale_id]["description"] = scale.description
    dumped: dict[str, Any] = {
        "id": instrument.id,
        "version": instrument.version,
        "kind": instrument.kind,
        "title": instrument.title,
    }
    if instrument.description:
        dumped["description"] = instrument.description
    dumped["response_scales"] = response_scales
    dumped["scales"] = scales
    dumped["sections"] = [
        SECTION_TYPES[section.type].dump(section) for section in instrument.sections
    ]
    return dumped


def dump_instrument(instrument: Instrument) -> str:
    """The instrument as YAML text, keys in the order an author would write them."""
    return yaml.safe_dump(
        instrument_to_dict(instrument), sort_keys=False, allow_unicode=True, width=100
    )


# --------------------------------------------------------------------------------------------
# The shipped instruments
# --------------------------------------------------------------------------------------------


@functools.cache
def _shipped() -> tuple[Instrument, ...]:
    # The shipped stock take (v2) has a roster section, a type the networks app registers from
    # its AppConfig.ready() (tandem.surveys.sections): read once Django's apps are loaded.
    folder = resources.files("tandem.instruments")
    found: dict[tuple[str, int], Instrument] = {}
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not entry.name.endswith(".yaml"):
            continue
        instrument = load_instrument_text(entry.read_text(encoding="utf-8"), entry.name)
        found[instrument.key] = instrument
    return tuple(found.values())


def shipped_instruments() -> dict[tuple[str, int], Instrument]:
    """Every definition in `tandem/instruments/`, keyed by (id, version).

    Read once per process: the files are part of the installed package and a wave must see the
    same text throughout. A fresh dict each call, so a caller cannot change another's view.
    """
    return {instrument.key: instrument for instrument in _shipped()}


def get_instrument(instrument_id: str, version: int | None = None) -> Instrument:
    """A shipped instrument; the latest version when `version` is None."""
    versions = {
        key[1]: instrument
        for key, instrument in shipped_instruments().items()
        if key[0] == instrument_id
    }
    if not versions:
        known = _known({key[0] for key in shipped_instruments()})
        raise LookupError(f"no shipped instrument {instrument_id!r} (shipped: {known})")
    if version is None:
        return versions[max(versions)]
    if version not in versions:
        raise LookupError(
            f"no version {version} of {instrument_id!r} "
            f"(shipped: {', '.join(str(v) for v in sorted(versions))})"
        )
    return versions[version]
