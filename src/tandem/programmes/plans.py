"""Programme templates: the timeline, questionnaires and coaching a new programme starts from.

A template is a YAML file in `tandem/instruments/programmes/`, read and checked once per process.
Every problem names the file and the field (`partnership-12m.yaml: milestone "feedback":
"kind": unknown kind …`), like the questionnaire definitions beside it.

Dates: a milestone starts `offset` days after the programme's start date and lasts `duration`
days counting its first day, so a one-day event has duration 1 and `ends_on == starts_on`. The
programme ends `length` days after its start, and every milestone must end by then.

`plan_for(template, start)` lays the whole template out on the calendar; writing it is
`tandem.programmes.setup`. Nothing here touches the database.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from typing import Any, Final

import yaml

from tandem.programmes.models import MilestoneKind

TEMPLATE_FOLDER: Final = "programmes"  # inside the tandem.instruments package
_ID_PATTERN: Final = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
# The questionnaire wave kinds (tandem.surveys.models.WaveKind), named here because the core does
# not import the surveys app; a test checks the two agree.
WAVE_KINDS: Final = ("baseline", "repeat", "pulse")


class TemplateError(Exception):
    """A template that cannot be used: the file, the place in it, the field and the problem."""

    def __init__(self, source: str, problem: str, *, where: str = "", field: str = "") -> None:
        self.source, self.problem, self.where, self.field = source, problem, where, field
        parts = [source, where, f'"{field}"' if field else "", problem]
        super().__init__(": ".join(part for part in parts if part))


class UnknownTemplate(LookupError):
    """No template with that id; the message names the id and the known ones."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown programme template"


@dataclass(frozen=True)
class TemplateMilestone:
    id: str
    kind: str
    title: str
    offset_days: int
    duration_days: int
    description: str = ""


@dataclass(frozen=True)
class TemplateQuestionnaire:
    """A questionnaire wave open during one milestone (its first to its last day)."""

    milestone: str
    kind: str
    instrument_id: str
    instrument_version: int
    title: str


@dataclass(frozen=True)
class TemplatePulse:
    """A wave every `every_months` months from the start of one milestone until the start of
    another (the first one month in), each open for `duration_days`."""

    instrument_id: str
    instrument_version: int
    title: str
    every_months: int
    duration_days: int
    from_milestone: str
    until_milestone: str


@dataclass(frozen=True)
class ProgrammeTemplate:
    id: str
    title: str
    description: str
    length_days: int
    milestones: tuple[TemplateMilestone, ...]
    questionnaires: tuple[TemplateQuestionnaire, ...] = ()
    pulse: TemplatePulse | None = None
    coaching_sessions: int | None = None
    source: str = ""


@dataclass(frozen=True)
class PlannedMilestone:
    id: str
    kind: str
    title: str
    description: str
    starts_on: dt.date
    ends_on: dt.date  # the last day; the same as starts_on for a one-day event


@dataclass(frozen=True)
class PlannedWave:
    title: str
    kind: str
    instrument_id: str
    instrument_version: int
    opens_on: dt.date
    closes_on: dt.date


@dataclass(frozen=True)
class ProgrammePlan:
    """A template on the calendar: what `programme_start` writes."""

    template: ProgrammeTemplate
    start_date: dt.date
    end_date: dt.date
    milestones: tuple[PlannedMilestone, ...]
    waves: tuple[PlannedWave, ...]
    coaching_sessions: int | None


# Reading -----------------------------------------------------------------------------------------


@functools.cache
def shipped_instrument_versions() -> frozenset[tuple[str, int]]:
    """(id, version) of every questionnaire in `tandem/instruments/`, from the files' own keys.

    Only the two keys are read: checking a questionnaire is the surveys app's work, and a wave
    made from a template goes through it.
    """
    found = set()
    for entry in resources.files("tandem.instruments").iterdir():
        if entry.name.endswith(".yaml"):
            raw = yaml.safe_load(entry.read_text(encoding="utf-8"))
            found.add((str(raw["id"]), int(raw["version"])))
    return frozenset(found)


def _whole_number(raw: Mapping[str, Any], key: str, fail: Any) -> int:
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(f"must be a whole number, not {value!r}", key)
    return int(value)


def _days(raw: Mapping[str, Any], name: str, fail: Any, *, required: bool) -> int | None:
    """`<name>_weeks` or `<name>_days` (exactly one) as a number of days."""
    given = [key for key in (f"{name}_weeks", f"{name}_days") if key in raw]
    if not given:
        if required:
            raise fail(f"missing: give {name}_weeks or {name}_days", f"{name}_days")
        return None
    if len(given) > 1:
        raise fail(f"give {name}_weeks or {name}_days, not both", given[0])
    value = _whole_number(raw, given[0], fail)
    if value < 0:
        raise fail(f"must not be negative ({value})", given[0])
    return value * 7 if given[0].endswith("_weeks") else value


def _text(raw: Mapping[str, Any], key: str, fail: Any, *, required: bool = True) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            raise fail("missing", key)
        return ""
    if not isinstance(value, str) or not value.strip():
        raise fail(f"must be text, not {value!r}", key)
    return value.strip()


def _unknown_keys(raw: Mapping[str, Any], allowed: tuple[str, ...], fail: Any) -> None:
    unknown = sorted(str(key) for key in raw if key not in allowed)
    if unknown:
        raise fail(f"unknown key (allowed: {', '.join(allowed)})", unknown[0])


def _instrument(raw: Mapping[str, Any], fail: Any) -> tuple[str, int]:
    instrument_id = _text(raw, "instrument", fail)
    version = _whole_number(raw, "version", fail) if "version" in raw else None
    versions = sorted(v for i, v in shipped_instrument_versions() if i == instrument_id)
    if not versions:
        known = ", ".join(sorted({i for i, _ in shipped_instrument_versions()}))
        raise fail(f"unknown questionnaire {instrument_id!r} (shipped: {known})", "instrument")
    if version is None:
        return instrument_id, versions[-1]
    if version not in versions:
        shipped = ", ".join(str(v) for v in versions)
        raise fail(f"no version {version} of {instrument_id!r} (shipped: {shipped})", "version")
    return instrument_id, version


def _milestone(raw: Any, position: int, source: str) -> TemplateMilestone:
    label = f"milestone {position}"
    if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
        label = f'milestone "{raw["id"]}"'

    def fail(problem: str, field: str = "") -> TemplateError:
        return TemplateError(source, problem, where=label, field=field)

    if not isinstance(raw, Mapping):
        raise fail("must be a mapping of keys to values")
    _unknown_keys(
        raw,
        (
            "id",
            "kind",
            "title",
            "description",
            "offset_weeks",
            "offset_days",
            "duration_weeks",
            "duration_days",
        ),
        fail,
    )
    milestone_id = _text(raw, "id", fail)
    if not _ID_PATTERN.fullmatch(milestone_id):
        raise fail("must be lower case letters and digits joined by hyphens", "id")
    kind = _text(raw, "kind", fail)
    if kind not in MilestoneKind.values:
        raise fail(f"unknown kind {kind!r} (known: {', '.join(MilestoneKind.values)})", "kind")
    offset = _days(raw, "offset", fail, required=True)
    duration = _days(raw, "duration", fail, required=False)
    if duration == 0:
        raise fail("must be at least one day (a one-day event lasts 1 day)", "duration_days")
    assert offset is not None
    return TemplateMilestone(
        id=milestone_id,
        kind=kind,
        title=_text(raw, "title", fail),
        offset_days=offset,
        duration_days=duration or 1,
        description=_text(raw, "description", fail, required=False),
    )


def read_template(text: str, source: str) -> ProgrammeTemplate:
    """Parse and check one template; `source` (the file name) is named in every error."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TemplateError(source, f"YAML syntax error: {exc}") from exc

    def fail(problem: str, field: str = "") -> TemplateError:
        return TemplateError(source, problem, field=field)

    if not isinstance(raw, Mapping):
        raise fail("must be a mapping of keys to values")
    _unknown_keys(
        raw,
        (
            "id",
            "title",
            "description",
            "length_weeks",
            "length_days",
            "milestones",
            "questionnaires",
            "pulse",
            "coaching",
        ),
        fail,
    )
    template_id = _text(raw, "id", fail)
    if not _ID_PATTERN.fullmatch(template_id):
        raise fail("must be lower case letters and digits joined by hyphens", "id")
    length = _days(raw, "length", fail, required=True)
    assert length is not None
    if not isinstance(raw.get("milestones"), list) or not raw["milestones"]:
        raise fail("must be a list of at least one milestone", "milestones")
    milestones = tuple(
        _milestone(entry, position, source)
        for position, entry in enumerate(raw["milestones"], start=1)
    )
    by_id: dict[str, TemplateMilestone] = {}
    for milestone in milestones:
        where = f'milestone "{milestone.id}"'
        if milestone.id in by_id:
            raise TemplateError(source, "appears twice", where=where, field="id")
        by_id[milestone.id] = milestone
        last_day = milestone.offset_days + milestone.duration_days - 1
        if last_day >= length:
            raise TemplateError(
                source,
                f"ends on day {last_day + 1}, after the programme's {length} days "
                "(length_weeks/length_days)",
                where=where,
                field="duration_days" if milestone.offset_days < length else "offset_days",
            )
    return ProgrammeTemplate(
        id=template_id,
        title=_text(raw, "title", fail),
        description=_text(raw, "description", fail, required=False),
        length_days=length,
        milestones=milestones,
        questionnaires=_questionnaires(raw.get("questionnaires"), by_id, source),
        pulse=_pulse(raw.get("pulse"), by_id, source),
        coaching_sessions=_coaching(raw.get("coaching"), source),
        source=source,
    )


def _milestone_ref(raw: Mapping[str, Any], key: str, by_id: Mapping[str, Any], fail: Any) -> str:
    name = _text(raw, key, fail)
    if name not in by_id:
        raise fail(f"no milestone {name!r} (milestones: {', '.join(by_id)})", key)
    return name


def _questionnaires(
    raw: Any, by_id: Mapping[str, TemplateMilestone], source: str
) -> tuple[TemplateQuestionnaire, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise TemplateError(source, "must be a list", field="questionnaires")
    found = []
    for position, entry in enumerate(raw, start=1):

        def fail(problem: str, field: str = "", position: int = position) -> TemplateError:
            return TemplateError(source, problem, where=f"questionnaire {position}", field=field)

        if not isinstance(entry, Mapping):
            raise fail("must be a mapping of keys to values")
        _unknown_keys(entry, ("milestone", "kind", "instrument", "version", "title"), fail)
        kind = _text(entry, "kind", fail)
        if kind not in WAVE_KINDS:
            raise fail(f"unknown kind {kind!r} (known: {', '.join(WAVE_KINDS)})", "kind")
        instrument_id, version = _instrument(entry, fail)
        found.append(
            TemplateQuestionnaire(
                milestone=_milestone_ref(entry, "milestone", by_id, fail),
                kind=kind,
                instrument_id=instrument_id,
                instrument_version=version,
                title=_text(entry, "title", fail),
            )
        )
    return tuple(found)


def _pulse(raw: Any, by_id: Mapping[str, TemplateMilestone], source: str) -> TemplatePulse | None:
    if raw is None:
        return None

    def fail(problem: str, field: str = "") -> TemplateError:
        return TemplateError(source, problem, where="pulse", field=field)

    if not isinstance(raw, Mapping):
        raise fail("must be a mapping of keys to values")
    _unknown_keys(
        raw,
        ("instrument", "version", "title", "every_months", "duration_days", "from", "until"),
        fail,
    )
    instrument_id, version = _instrument(raw, fail)
    every = _whole_number(raw, "every_months", fail) if "every_months" in raw else 1
    if every < 1:
        raise fail("must be at least 1", "every_months")
    duration = _days(raw, "duration", fail, required=True)
    if not duration:
        raise fail("must be at least one day", "duration_days")
    return TemplatePulse(
        instrument_id=instrument_id,
        instrument_version=version,
        title=_text(raw, "title", fail),
        every_months=every,
        duration_days=duration,
        from_milestone=_milestone_ref(raw, "from", by_id, fail),
        until_milestone=_milestone_ref(raw, "until", by_id, fail),
    )


def _coaching(raw: Any, source: str) -> int | None:
    if raw is None:
        return None

    def fail(problem: str, field: str = "") -> TemplateError:
        return TemplateError(source, problem, where="coaching", field=field)

    if not isinstance(raw, Mapping):
        raise fail("must be a mapping of keys to values")
    _unknown_keys(raw, ("planned_sessions",), fail)
    sessions = _whole_number(raw, "planned_sessions", fail)
    if not 1 <= sessions <= 20:
        raise fail(f"must be from 1 to 20, not {sessions}", "planned_sessions")
    return sessions


def _template_files() -> list[Traversable]:
    folder = resources.files("tandem.instruments") / TEMPLATE_FOLDER
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".yaml")),
        key=lambda entry: entry.name,
    )


@functools.cache
def _shipped() -> tuple[ProgrammeTemplate, ...]:
    found: dict[str, ProgrammeTemplate] = {}
    for entry in _template_files():
        template = read_template(entry.read_text(encoding="utf-8"), entry.name)
        if template.id in found:
            raise TemplateError(
                entry.name, f"the id is already used by {found[template.id].source}", field="id"
            )
        found[template.id] = template
    return tuple(found.values())


def programme_templates() -> list[ProgrammeTemplate]:
    """Every shipped template, by file name."""
    return list(_shipped())


def programme_template(template_id: str) -> ProgrammeTemplate:
    """The shipped template with this id; `UnknownTemplate` names the id and the known ones."""
    for template in _shipped():
        if template.id == template_id:
            return template
    known = ", ".join(template.id for template in _shipped()) or "none"
    raise UnknownTemplate(f"No programme template “{template_id}” (templates: {known}).")


# Laying out --------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (the month's last day if it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def end_date_for(template: ProgrammeTemplate, start: dt.date) -> dt.date:
    return start + dt.timedelta(days=template.length_days)


def lay_out(template: ProgrammeTemplate, start: dt.date) -> list[PlannedMilestone]:
    """Every milestone's first and last day for a programme starting on `start`, in date order."""
    planned = [
        PlannedMilestone(
            id=m.id,
            kind=m.kind,
            title=m.title,
            description=m.description,
            starts_on=start + dt.timedelta(days=m.offset_days),
            ends_on=start + dt.timedelta(days=m.offset_days + m.duration_days - 1),
        )
        for m in template.milestones
    ]
    return sorted(planned, key=lambda m: (m.starts_on, m.ends_on))


def plan_for(template: ProgrammeTemplate, start: dt.date) -> ProgrammePlan:
    """The template on the calendar: milestones, questionnaire waves (pulse waves included)."""
    milestones = lay_out(template, start)
    by_id = {m.id: m for m in milestones}
    waves = [
        PlannedWave(
            title=q.title,
            kind=q.kind,
            instrument_id=q.instrument_id,
            instrument_version=q.instrument_version,
            opens_on=by_id[q.milestone].starts_on,
            closes_on=by_id[q.milestone].ends_on,
        )
        for q in template.questionnaires
    ]
    pulse = template.pulse
    if pulse is not None:
        first, last = by_id[pulse.from_milestone].starts_on, by_id[pulse.until_milestone].starts_on
        step = 1
        while (opens := add_months(first, step * pulse.every_months)) < last:
            waves.append(
                PlannedWave(
                    title=f"{pulse.title}, {opens:%B %Y}",
                    kind="pulse",
                    instrument_id=pulse.instrument_id,
                    instrument_version=pulse.instrument_version,
                    opens_on=opens,
                    closes_on=opens + dt.timedelta(days=pulse.duration_days - 1),
                )
            )
            step += 1
    return ProgrammePlan(
        template=template,
        start_date=start,
        end_date=end_date_for(template, start),
        milestones=tuple(milestones),
        waves=tuple(sorted(waves, key=lambda w: (w.opens_on, w.title))),
        coaching_sessions=template.coaching_sessions,
    )
