"""Reads for type profiling, with the consent rule built in.

- A person's type, clarity and profile: the person and their coach only.
- Once the person shares it (a switch they can turn off again), their best-fit type counts in the
  team type table and appears on their pair's contrast card — if their partner shares too.
- The team table counts shared types only, and is not shown at all below k sharers.
- The programme lead sees how the indicator performs (alpha per pair, letters changed at best fit)
  and who has a result, never anyone's type. Those figures move as each person answers or
  confirms, and there is no wave to close, so they go through the disclosure ledger over time:
  a reading is shown only over a population equal to, or at least k people away from, every
  population already shown (and not when someone in it has changed their answers since); in
  between, the last reading shown stays as it was.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import transaction

from tandem.analysis.typology import (
    PAIRS,
    TABLE_COLUMNS,
    TABLE_ROWS,
    PairReliability,
    PreferencePair,
    TeamTable,
    answer_frame,
    clarity_band,
    pair_contrast,
    pair_reliability,
    resolved_letters,
    table_type,
    team_table,
)
from tandem.audit.services import audit_record
from tandem.disclosure.ledger import Disclosure, Scope, piece
from tandem.disclosure.models import DisclosedPopulation
from tandem.programmes.models import Pair, Participant, Profession, Programme, Role
from tandem.programmes.selectors import (
    ProgrammeAccessDenied,
    ProgrammeNotFound,
    can_manage,
    viewer_roles,
)
from tandem.typology import guidance
from tandem.typology.indicator import Indicator, get_indicator
from tandem.typology.models import IndicatorResponse, TypeProfile, TypeSource


class TypeAccessDenied(ProgrammeAccessDenied):
    """The viewer is in the programme but may not see or change this person's type."""


def coach_of(participant: Participant) -> Participant | None:
    """The participant's coach, from their coaching plan, if the coaching app records one.

    Looked up at call time so that typology does not depend on the coaching app: without its
    `CoachingPlan` model nobody is anybody's coach, and a type stays visible to its owner alone.
    The plan names the coached person `coachee` (or `participant`).
    """
    try:
        module = importlib.import_module("tandem.coaching.models")
    except ImportError:
        return None
    plan_model = getattr(module, "CoachingPlan", None)
    if plan_model is None:
        return None
    fields = {field.name for field in plan_model._meta.get_fields()}
    key = next((name for name in ("coachee", "participant") if name in fields), None)
    if key is None or "coach" not in fields:
        return None
    plan = (
        plan_model.objects.filter(**{key: participant})
        .select_related("coach__person")
        .order_by("-pk")
        .first()
    )
    coach = getattr(plan, "coach", None)
    return coach if isinstance(coach, Participant) else None


def _viewer_participant(*, viewer: Any, programme: Programme) -> Participant | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    return (
        Participant.objects.filter(programme=programme, person__user=viewer)
        .select_related("person")
        .first()
    )


def _require_member(*, viewer: Any, programme: Programme) -> frozenset[str]:
    roles = viewer_roles(viewer=viewer, programme=programme)
    if not roles:
        raise ProgrammeNotFound("No such programme.")
    return roles


def own_participant(*, viewer: Any, programme: Programme) -> Participant:
    """The viewer's own place in the programme as a participant (who take the indicator)."""
    _require_member(viewer=viewer, programme=programme)
    me = _viewer_participant(viewer=viewer, programme=programme)
    if me is None or me.role != Role.PARTICIPANT:
        raise TypeAccessDenied("Only programme participants take the type indicator.")
    return me


def own_type(*, viewer: Any, programme: Programme) -> tuple[Participant | None, TypeProfile | None]:
    """The viewer's own participant record and type profile (None, None for other roles)."""
    roles = _require_member(viewer=viewer, programme=programme)
    if Role.PARTICIPANT not in roles:
        return None, None
    me = own_participant(viewer=viewer, programme=programme)
    return me, TypeProfile.objects.filter(participant=me).first()


def is_coach_of(*, viewer: Any, participant: Participant) -> bool:
    coach = coach_of(participant)
    return (
        coach is not None
        and getattr(viewer, "is_authenticated", False)
        and coach.person.user_id == viewer.pk
    )


def person_for(
    *, viewer: Any, programme: Programme, participant_id: int, coach_allowed: bool = True
) -> Participant:
    """A participant whose type the viewer may see: themselves, or a coachee (if allowed here).

    Everyone else in the programme, the lead included, is refused: a type is private until
    shared, and even then only the team table and pair cards show it.
    """
    _require_member(viewer=viewer, programme=programme)
    person = (
        Participant.objects.filter(programme=programme, pk=participant_id, role=Role.PARTICIPANT)
        .select_related("person__user", "programme")
        .first()
    )
    if person is None:
        raise ProgrammeNotFound("No such participant in this programme.")
    if person.person.user_id is not None and person.person.user_id == viewer.pk:
        return person
    if coach_allowed and is_coach_of(viewer=viewer, participant=person):
        return person
    raise TypeAccessDenied("A person's type is visible only to them and their coach.")


@transaction.atomic
def profile_of(*, viewer: Any, participant: Participant) -> TypeProfile | None:
    """The participant's type profile, for a viewer already allowed by `person_for`; audited."""
    person_for(viewer=viewer, programme=participant.programme, participant_id=participant.pk)
    profile = TypeProfile.objects.filter(participant=participant).first()
    if profile is not None:
        audit_record(
            actor=viewer,
            action="type_profile.read",
            subject=profile,
            programme=participant.programme,
            extra={
                "participant_id": participant.pk,
                "own": participant.person.user_id == viewer.pk,
            },
        )
    return profile


@dataclass(frozen=True)
class PreferenceRow:
    """One pair on a personal profile: the reported result, the best fit and what it tends to mean."""

    pair: PreferencePair
    reported: str  # letter, X or ?
    best_fit: str  # letter, or "" until confirmed
    clarity: float | None
    band: str | None
    total: int | None
    answered: int | None
    guidance: guidance.PoleGuidance | None

    @property
    def changed(self) -> bool:
        return (
            bool(self.best_fit)
            and self.reported in self.pair.letters
            and (self.best_fit != self.reported)
        )


@dataclass(frozen=True)
class PersonalProfile:
    participant: Participant
    profile: TypeProfile
    rows: list[PreferenceRow]
    viewer_is_owner: bool


def personal_profile(*, viewer: Any, participant: Participant) -> PersonalProfile | None:
    """What the profile page shows, for the person or their coach; None before any result."""
    profile = profile_of(viewer=viewer, participant=participant)
    if profile is None:
        return None
    rows = []
    for index, pair in enumerate(PAIRS):
        reported = profile.reported_type[index]
        best_fit = profile.best_fit_type[index] if profile.best_fit_type else ""
        raw = profile.scores.get(pair.id) or {}
        total = raw.get("total")
        answered = raw.get("answered")
        clarity = band = None
        if total is not None and answered:
            clarity = abs(total) / (2 * answered)
            band = str(clarity_band(total, 2 * answered))
        shown = best_fit or (reported if reported in pair.letters else "")
        rows.append(
            PreferenceRow(
                pair=pair,
                reported=reported,
                best_fit=best_fit,
                clarity=clarity,
                band=band,
                total=total,
                answered=answered,
                guidance=guidance.POLES[shown] if shown else None,
            )
        )
    return PersonalProfile(
        participant=participant,
        profile=profile,
        rows=rows,
        viewer_is_owner=participant.person.user_id == viewer.pk,
    )


def coachees_for(
    *, viewer: Any, programme: Programme
) -> list[tuple[Participant, TypeProfile | None]]:
    """The viewer's coachees in the programme, each with their type profile if any."""
    roles = _require_member(viewer=viewer, programme=programme)
    if Role.COACH not in roles:
        return []
    participants = Participant.objects.filter(
        programme=programme, role=Role.PARTICIPANT
    ).select_related("person")
    mine = [p for p in participants if is_coach_of(viewer=viewer, participant=p)]
    profiles = {
        profile.participant_id: profile
        for profile in TypeProfile.objects.filter(participant__in=mine)
    }
    return [(p, profiles.get(p.pk)) for p in mine]


def _shared_profiles(programme: Programme) -> list[TypeProfile]:
    return list(
        TypeProfile.objects.filter(
            participant__programme=programme,
            participant__role=Role.PARTICIPANT,
            shared=True,
        )
        .exclude(best_fit_type="")
        .select_related("participant__person")
    )


@dataclass(frozen=True)
class TypeTableCell:
    type_code: str
    count: int


@dataclass(frozen=True)
class TeamTableView:
    programme: Programme
    k: int
    shared_count: int
    table: TeamTable | None
    external_count: int = 0
    rows: list[list[TypeTableCell]] = field(default_factory=list)
    professions: list[tuple[str, int, dict[str, int]]] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.table is not None


def team_table_for(*, viewer: Any, programme: Programme) -> TeamTableView:
    """The team type table of shared best-fit types; no table below k sharers.

    Within the table small cells are shown: everyone counted chose to share their type with the
    group (and their pair card names it), so a count of 1 reveals nothing they have not shared.
    k guards the table as a whole, as the programme promised.

    Not through the disclosure ledger, by decision: the table can be read before and after one
    person shares (or stops sharing), and the difference is that person's best-fit type, their
    profession and whether the type was assessed elsewhere — the type is what they chose to
    share with the group, and profession is public in the programme (every pair is a doctor and
    a manager, and reports break down by it) — while people who have not shared are not in the
    table at all, so no reading, or pair of readings, says anything about them. Putting it
    through the ledger would hide the table after each new sharer until k more had shared,
    protecting nothing.
    """
    _require_member(viewer=viewer, programme=programme)
    profiles = _shared_profiles(programme)
    k = programme.min_group_size
    labels = dict(Profession.choices)
    table = team_table(
        [p.best_fit_type for p in profiles],
        k=k,
        groups=[str(labels[p.participant.person.profession]) for p in profiles],
    )
    if table is None:
        return TeamTableView(programme=programme, k=k, shared_count=len(profiles), table=None)
    rows = [
        [
            TypeTableCell(table_type(row, column), table.grid[r][c])
            for c, column in enumerate(TABLE_COLUMNS)
        ]
        for r, row in enumerate(TABLE_ROWS)
    ]
    professions = [
        (group, table.group_sizes[group], counts) for group, counts in table.by_group.items()
    ]
    return TeamTableView(
        programme=programme,
        k=k,
        shared_count=len(profiles),
        table=table,
        external_count=sum(1 for p in profiles if p.is_external),
        rows=rows,
        professions=sorted(professions),
    )


@dataclass(frozen=True)
class PartnerNeeds:
    name: str
    type_code: str
    external_source: str  # "" for an indicator result
    needs: list[str]  # what they tend to need from the other, one per differing preference


@dataclass(frozen=True)
class PairCard:
    pair: Pair
    doctor: PartnerNeeds
    manager: PartnerNeeds
    differing: list[str]  # pair titles, e.g. "Extraversion–Introversion"
    tips: list[str]


def _partner(profile: TypeProfile, differing: tuple[str, ...]) -> PartnerNeeds:
    code = profile.best_fit_type
    return PartnerNeeds(
        name=profile.participant.person.name,
        type_code=code,
        external_source=profile.external_source if profile.is_external else "",
        needs=[
            guidance.POLES[code[index]].needs
            for index, pair in enumerate(PAIRS)
            if pair.id in differing
        ],
    )


@dataclass(frozen=True)
class PairCards:
    cards: list[PairCard]
    pairs_without_card: int


def pair_cards_for(*, viewer: Any, programme: Programme) -> PairCards:
    """A contrast card for each doctor–manager pair in which both partners share their type."""
    _require_member(viewer=viewer, programme=programme)
    shared = {profile.participant_id: profile for profile in _shared_profiles(programme)}
    pairs = list(
        Pair.objects.filter(programme=programme).select_related(
            "service", "doctor__person", "manager__person"
        )
    )
    cards = []
    for pair in pairs:
        doctor, manager = shared.get(pair.doctor_id), shared.get(pair.manager_id)
        if doctor is None or manager is None:
            continue
        contrast = pair_contrast(doctor.best_fit_type, manager.best_fit_type)
        cards.append(
            PairCard(
                pair=pair,
                doctor=_partner(doctor, contrast.differing),
                manager=_partner(manager, contrast.differing),
                differing=[guidance.pair_title(pair_id) for pair_id in contrast.differing],
                tips=guidance.meeting_tips(contrast),
            )
        )
    return PairCards(cards=cards, pairs_without_card=len(pairs) - len(cards))


@dataclass(frozen=True)
class IndicatorEvidence:
    """How the open indicator performs in this programme: the lead's view, all aggregate.

    `reliability` and the best-fit changes are None when hidden, with the reason in
    `reliability_hidden` / `changes_hidden`; when they are an earlier reading shown again (over
    fewer people than have now answered), `reliability_note` / `changes_note` say so.
    """

    k: int
    participants: int
    indicator_results: int
    external_results: int
    confirmed: int
    shared: int
    changed_any: int | None  # people who changed at least one letter
    changed_by_pair: dict[str, int] | None
    resolved: int | None  # people whose "no clear preference" their best fit settled
    respondents: int
    reliability: dict[str, PairReliability] | None
    reliability_hidden: str | None = None
    changes_hidden: str | None = None
    reliability_note: str | None = None
    changes_note: str | None = None


RELIABILITY = "indicator-reliability"
BEST_FIT_CHANGES = "best-fit-changes"
EVIDENCE_SURFACE = "typology.evidence"


def indicator_scope(indicator: Indicator) -> Scope:
    """The ledger's scope for one version of the indicator.

    Frozen: there is no wave to close (people take the indicator and confirm a best fit when it
    suits them), so the ledger's rule over time does the work a closed wave does elsewhere.
    """
    return Scope(key=f"typology:indicator:v{indicator.version}", frozen=True)


@dataclass(frozen=True)
class _Reading:
    """What the evidence page shows of one measure: the people to work it out over (None: nothing),
    why nothing is shown, or — for an earlier reading shown again — whom it covers."""

    members: frozenset[int] | None
    hidden: str | None = None
    note: str | None = None


def _evidence_readings(
    *, programme: Programme, scope: Scope, populations: dict[str, dict[int, dt.datetime]]
) -> dict[str, _Reading]:
    """For each measure, the reading the lead may see; `populations` maps participant → when
    their data last changed.

    The ledger compares populations, not data: a person who retakes the indicator (or confirms
    a different best fit) stays in the same population while the figure moves by their change
    alone, so a population already shown counts again only if nobody in it has changed since.
    When the current population may not be shown (it differs by 1 to k − 1 people from one
    already shown), the latest earlier reading whose people are all still there, unchanged, is
    shown again instead: the same figures over the same people, which tell nothing new.
    """
    k = programme.min_group_size
    counted = {
        RELIABILITY: ("answered", "answered the indicator", "answers"),
        BEST_FIT_CHANGES: (
            "confirmed a best fit",
            "confirmed a best fit to an indicator result",
            "choice",
        ),
    }
    shown_before: dict[str, list[tuple[frozenset[int], dt.datetime]]] = {m: [] for m in populations}
    for measure, members, first_shown_at in (
        DisclosedPopulation.objects.filter(
            programme=programme, scope=scope.key, measure__in=list(populations)
        )
        .order_by("-first_shown_at", "-id")
        .values_list("measure", "members", "first_shown_at")
    ):
        shown_before[measure].append((frozenset(members), first_shown_at))

    def unchanged_since(
        members: frozenset[int], when: dt.datetime, changed_at: dict[int, dt.datetime]
    ) -> bool:
        return members <= changed_at.keys() and all(changed_at[m] <= when for m in members)

    disclosure = Disclosure(programme=programme, surface=EVIDENCE_SURFACE)
    for measure, changed_at in populations.items():
        current = frozenset(changed_at)
        same = [when for members, when in shown_before[measure] if members == current]
        if len(current) >= k and all(unchanged_since(current, when, changed_at) for when in same):
            disclosure.add(measure, piece(scope, measure, current))
    decisions = disclosure.decide()

    readings: dict[str, _Reading] = {}
    for measure, changed_at in populations.items():
        did, did_in_full, what = counted[measure]
        if decisions.shown(measure):
            readings[measure] = _Reading(members=frozenset(changed_at))
            continue
        earlier = next(
            (
                members
                for members, when in shown_before[measure]
                if unchanged_since(members, when, changed_at)
            ),
            None,
        )
        if earlier is not None:
            readings[measure] = _Reading(
                members=earlier,
                note=(
                    f"Worked out over {len(earlier)} of the {len(changed_at)} people who have "
                    f"{did}: updated when at least {k} more have {did}, so that no one's {what} "
                    "can be worked out from the change."
                ),
            )
        elif shown_before[measure]:
            readings[measure] = _Reading(
                members=None,
                hidden=(
                    f"Shown again when at least {k} more people have {did} than when it was last "
                    f"shown, so that no one's {what} can be worked out from the change."
                ),
            )
        else:
            readings[measure] = _Reading(
                members=None, hidden=f"Shown once at least {k} people have {did_in_full}."
            )
    return readings


def indicator_evidence(
    *, viewer: Any, programme: Programme, indicator: Indicator | None = None
) -> IndicatorEvidence:
    """Alpha per preference pair and best-fit changes, for the programme lead.

    Each is a reading over a population of people in the ledger (scope `indicator_scope`):
    reliability over the people who answered this version of the indicator, best-fit changes
    over those who confirmed a best fit to its result. Without the ledger the lead could read the
    page before and after one person confirms, and see whether (and on which pair) they changed a
    letter.
    """
    if not can_manage(viewer=viewer, programme=programme):
        _require_member(viewer=viewer, programme=programme)
        raise TypeAccessDenied("Only the programme lead sees how the indicator performs.")
    indicator = indicator or get_indicator()
    participants = Participant.objects.filter(programme=programme, role=Role.PARTICIPANT)
    profiles = list(TypeProfile.objects.filter(participant__in=participants))
    confirmed_indicator = [
        p
        for p in profiles
        if p.source == TypeSource.INDICATOR
        and p.best_fit_type
        and p.instrument_version == indicator.version
    ]
    responses = list(
        IndicatorResponse.objects.filter(
            participant__in=participants, instrument_version=indicator.version
        ).values_list("participant_id", "answers", "submitted_at")
    )
    readings = _evidence_readings(
        programme=programme,
        scope=indicator_scope(indicator),
        populations={
            RELIABILITY: {participant: submitted for participant, _, submitted in responses},
            BEST_FIT_CHANGES: {
                p.participant_id: max(p.recorded_at, p.confirmed_at or p.recorded_at)
                for p in confirmed_indicator
            },
        },
    )
    changed_any = changed_by_pair = resolved = None
    over = readings[BEST_FIT_CHANGES].members
    if over is not None:
        counted = [p for p in confirmed_indicator if p.participant_id in over]
        changed_any = sum(1 for p in counted if p.changed)
        changed_by_pair = {
            pair.id: sum(1 for p in counted if pair.id in p.changed) for pair in PAIRS
        }
        resolved = sum(1 for p in counted if resolved_letters(p.reported_type, p.best_fit_type))
    reliability = None
    over = readings[RELIABILITY].members
    if over is not None:
        frame = pd.DataFrame(
            [
                {item_id: answers.get(item_id) for item_id in indicator.item_ids}
                for participant, answers, _ in responses
                if participant in over
            ],
            columns=list(indicator.item_ids),
        )
        values = answer_frame(frame, indicator.scoring_items)
        reliability = pair_reliability(values, indicator.scoring_items)
    return IndicatorEvidence(
        k=programme.min_group_size,
        participants=participants.count(),
        indicator_results=sum(1 for p in profiles if p.source == TypeSource.INDICATOR),
        external_results=sum(1 for p in profiles if p.is_external),
        confirmed=sum(1 for p in profiles if p.best_fit_type),
        shared=sum(1 for p in profiles if p.shared),
        changed_any=changed_any,
        changed_by_pair=changed_by_pair,
        resolved=resolved,
        respondents=len(responses),
        reliability=reliability,
        reliability_hidden=readings[RELIABILITY].hidden,
        changes_hidden=readings[BEST_FIT_CHANGES].hidden,
        reliability_note=readings[RELIABILITY].note,
        changes_note=readings[BEST_FIT_CHANGES].note,
    )
