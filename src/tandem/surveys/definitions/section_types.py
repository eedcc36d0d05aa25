"""Pluggable section types: what a section type's validator may use (`SectionContext`), the
registry (`register_section_type`) and the two built-in types, likert and open. Other apps use
this through the public plug-in interface, `tandem.surveys.sections`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tandem.surveys.definitions.errors import (
    ID_PATTERN,
    InstrumentError,
    known_names,
    quoted,
    shown,
    text_of,
)
from tandem.surveys.definitions.model import Item, ResponseScale, Section


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
                f"unknown key {quoted(unknown)} (allowed: {', '.join(allowed)})",
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
        return text_of(
            raw, key, required=required, fail=lambda problem: self.error(problem, item=item)
        )

    def flag(self, raw: Mapping[str, Any], key: str, *, item: str | None = None) -> bool:
        """A true/false setting, False when absent."""
        value = raw.get(key, False)
        if not isinstance(value, bool):
            raise self.error(f'"{key}" must be true or false, not {shown(value)}', item=item)
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
            if not isinstance(item_id, str) or not ID_PATTERN.fullmatch(item_id):
                raise self.error(
                    f"item {position}: id {shown(item_id)} must be lower case letters, digits and "
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
                f"unknown response scale {shown(name)} (defined: {known_names(self.response_scales)})",
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
                f"names an unknown scale {shown(name)} (declared: {known_names(self.scale_ids)})",
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
    if not ID_PATTERN.fullmatch(name):
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
            f"unknown response scale {shown(default_scale)} (defined: {known_names(context.response_scales)})"
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
