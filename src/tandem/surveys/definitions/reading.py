"""Reading YAML into an `Instrument`: the strict YAML loader, then every check a wave relies on."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import yaml

from tandem.surveys.definitions.errors import (
    InstrumentError,
    checked_id,
    known_names,
    mapping_of,
    prefixed,
    quoted,
    shown,
    text_of,
)
from tandem.surveys.definitions.model import (
    INSTRUMENT_KINDS,
    MIN_SCALE_ITEMS,
    RESPONSE_SCALE_KINDS,
    Instrument,
    Item,
    ResponseOption,
    ResponseScale,
    Scale,
    Section,
)
from tandem.surveys.definitions.section_types import SECTION_TYPES, SectionContext

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
                f"the key {shown(key)} appears twice",
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


def _read_response_scale(scale_id: str, raw: Any, source: str) -> ResponseScale:
    def fail(problem: str) -> InstrumentError:
        return InstrumentError(source, problem, response_scale=scale_id)

    spec = mapping_of(raw, fail, "a response scale")
    allowed = ("kind", "options", "dont_know")
    for key in ("kind", "options"):
        if key not in spec:
            raise fail(f'missing required key "{key}"')
    unknown = [str(key) for key in spec if key not in allowed]
    if unknown:
        raise fail(f"unknown key {quoted(unknown)} (allowed: {', '.join(allowed)})")
    kind = spec["kind"]
    if kind not in RESPONSE_SCALE_KINDS:
        raise fail(f"unknown kind {shown(kind)} (known: {', '.join(RESPONSE_SCALE_KINDS)})")
    entries = spec["options"]
    if not isinstance(entries, list):
        raise fail('"options" must be a list of {value, label}')
    options = []
    values: list[int] = []
    for position, entry in enumerate(entries, start=1):
        option = mapping_of(entry, fail, f"option {position}")
        if set(option) != {"value", "label"}:
            raise fail(f"option {position} must have exactly a value and a label")
        value = option["value"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"option {position}: value {shown(value)} must be a whole number")
        label = text_of(option, "label", required=True, fail=prefixed(fail, f"option {position}"))
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
        label = text_of(spec, "dont_know", required=True, fail=fail)
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

    spec = mapping_of(raw, fail, "a scale")
    unknown = [str(key) for key in spec if key not in ("title", "description")]
    if unknown:
        raise fail(f"unknown key {quoted(unknown)} (allowed: title, description)")
    return text_of(spec, "title", required=True, fail=fail), text_of(
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
        raw = mapping_of(entry, fail, f"section {position}")
        if "id" not in raw:
            raise fail(f'section {position}: missing required key "id"')
        section_id = checked_id(raw["id"], prefixed(fail, f"section {position}"), "section")

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
                f"unknown section type {shown(type_name)} (known types: {known_names(SECTION_TYPES)})"
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
                    source, f"names an unknown scale {shown(item.scale)}", item=item.id
                )
            if item.response_scale is not None and item.response_scale not in response_scales:
                raise InstrumentError(
                    source, f"unknown response scale {shown(item.response_scale)}", item=item.id
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
                f"({known_names(str(name) for name in answered_on)}); a scale's items must share one",
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
    raw = mapping_of(data, fail, "the top level")
    for key in _INSTRUMENT_REQUIRED:
        if key not in raw:
            raise fail(f'missing required key "{key}"')
    unknown = [str(key) for key in raw if key not in _INSTRUMENT_KEYS]
    if unknown:
        raise fail(f"unknown key {quoted(unknown)} (allowed: {', '.join(_INSTRUMENT_KEYS)})")

    instrument_id = raw["id"]
    if not isinstance(instrument_id, str) or not _INSTRUMENT_ID_PATTERN.fullmatch(instrument_id):
        raise fail(
            f"instrument id {shown(instrument_id)} must be lower case letters and digits, "
            "words joined by hyphens (e.g. stock-take)"
        )
    version = raw["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise fail(f"version {shown(version)} must be a whole number, 1 or more")
    if source.endswith(_YAML_SUFFIXES):
        expected = f"{instrument_id}-v{version}.yaml"
        if Path(source).name != expected:
            raise fail(f"the file for {instrument_id} version {version} must be named {expected}")
    kind = raw["kind"]
    if kind not in INSTRUMENT_KINDS:
        raise fail(f"unknown kind {shown(kind)} (known: {', '.join(INSTRUMENT_KINDS)})")
    title = text_of(raw, "title", required=True, fail=fail)
    description = text_of(raw, "description", required=False, fail=fail)

    raw_response_scales = mapping_of(raw.get("response_scales") or {}, fail, '"response_scales"')
    response_scales = {
        checked_id(scale_id, fail, "response scale"): _read_response_scale(scale_id, spec, source)
        for scale_id, spec in raw_response_scales.items()
    }
    raw_scales = mapping_of(raw.get("scales") or {}, fail, '"scales"')
    headers = {
        checked_id(scale_id, fail, "scale"): _read_scale_header(scale_id, spec, source)
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
