"""The roster section type of the stock take: "for each colleague on the programme, how do you work
with them?"

A roster section asks the same few questions (relations) about every other participant and sponsor,
so it has no fixed items: its answers are stored per named colleague (`networks.RosterEntry`), never
as `surveys.Answer` rows. Scale scoring, reliability and the feedback report read only `Answer`
rows, so they can never mistake a roster answer for a rating.

    - id: working_relationships
      type: roster
      title: Working relationships
      intro: ...
      name_generator_above: 40     # larger rosters: search and pick, then rate only those picked
      relations:
        - id: talk
          text: How often do you talk with them about the service?
          label: talk at least monthly   # optional short name for reports
          response_scale: frequency5
          tie_from: 3              # answers of 3 (monthly) or more count as a tie in the network
        - id: trust
          text: I can rely on them.
        - id: advice
          text: I go to them for advice.

A relation without a response scale is a yes/no tick box (ticked = 1 = a tie).

Plain Python (no Django), like `tandem.surveys.sections`, the plug-in interface it is written
against. The type is registered (`register_section_type`) from the app's AppConfig.ready(), with
its page (`roster_views.roster_page`): see `tandem.networks.registration.register_sections`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from tandem.surveys.sections import Section, SectionContext

ROSTER: Final = "roster"
# A table of 40 people with three questions each is about the longest page people finish; past that
# the name generator asks only about the colleagues a respondent picks.
DEFAULT_NAME_GENERATOR_ABOVE: Final = 40


@dataclass(frozen=True)
class Relation:
    """One question asked about every named colleague."""

    id: str
    text: str
    response_scale: str | None
    tie_from: int
    label: str = ""

    @property
    def name(self) -> str:
        """A short name for sentences and headings ("talk at least monthly")."""
        return self.label or self.text.rstrip(".?")

    @property
    def is_tick_box(self) -> bool:
        return self.response_scale is None


def validate_roster_section(raw: Mapping[str, Any], context: SectionContext) -> Section:
    context.check_keys(
        raw,
        required=("id", "type", "title", "relations"),
        optional=("intro", "name_generator_above"),
    )
    title = context.text(raw, "title")
    intro = context.text(raw, "intro", required=False)
    above = raw.get("name_generator_above", DEFAULT_NAME_GENERATOR_ABOVE)
    if isinstance(above, bool) or not isinstance(above, int) or above < 1:
        raise context.error(f'"name_generator_above" must be a whole number, 1 or more: {above!r}')
    entries = raw["relations"]
    if not isinstance(entries, list) or not entries:
        raise context.error('"relations" must be a list of at least one relation')
    relations: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping):
            raise context.error(f"relation {position} must be a mapping of keys to values")
        context.check_keys(
            entry, required=("id", "text"), optional=("response_scale", "tie_from", "label")
        )
        relation_id = entry["id"]
        if not isinstance(relation_id, str) or not relation_id.isidentifier():
            raise context.error(f"relation {position}: id {relation_id!r} must be an identifier")
        if relation_id in seen:
            raise context.error(f'duplicate relation id "{relation_id}"')
        seen.add(relation_id)
        spec: dict[str, Any] = {"id": relation_id, "text": context.text(entry, "text")}
        if "label" in entry:
            spec["label"] = context.text(entry, "label")
        if "response_scale" in entry:
            scale = context.response_scale(entry["response_scale"], item=relation_id)
            spec["response_scale"] = scale.id
            tie_from = entry.get("tie_from", min(scale.values))
            if tie_from not in scale.values:
                raise context.error(
                    f'relation "{relation_id}": tie_from {tie_from!r} is not a value of '
                    f'response scale "{scale.id}"'
                )
            spec["tie_from"] = tie_from
        elif "tie_from" in entry:
            raise context.error(f'relation "{relation_id}": tie_from needs a response_scale')
        relations.append(spec)
    options: dict[str, Any] = {"relations": relations}
    if "name_generator_above" in raw:
        options = {"name_generator_above": above, **options}
    return Section(
        id=context.section_id, type=ROSTER, title=title, intro=intro, items=(), options=options
    )


def dump_roster_section(section: Section) -> dict[str, Any]:
    dumped: dict[str, Any] = {"id": section.id, "type": section.type, "title": section.title}
    if section.intro:
        dumped["intro"] = section.intro
    dumped.update(section.options)
    return dumped


def relations(section: Section) -> tuple[Relation, ...]:
    """The relations a roster section asks about, in the order the form shows them."""
    return tuple(
        Relation(
            id=spec["id"],
            text=spec["text"],
            response_scale=spec.get("response_scale"),
            tie_from=int(spec.get("tie_from", 1)),
            label=spec.get("label", ""),
        )
        for spec in section.options.get("relations", ())
    )


def name_generator_above(section: Section) -> int:
    return int(section.options.get("name_generator_above", DEFAULT_NAME_GENERATOR_ABOVE))


def roster_sections(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    return tuple(section for section in sections if section.type == ROSTER)
