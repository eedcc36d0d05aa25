"""How the indicator performs in a programme (the lead's view), read through the disclosure ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tandem.analysis.typology import (
    PAIRS,
    PairReliability,
    answer_frame,
    pair_reliability,
    resolved_letters,
)
from tandem.disclosure.ledger import Disclosure, Scope, piece
from tandem.disclosure.models import DisclosedPopulation
from tandem.programmes.access import access_for
from tandem.programmes.models import Participant, Programme, Role
from tandem.typology.indicator import Indicator, get_indicator
from tandem.typology.models import IndicatorResponse, TypeProfile, TypeSource
from tandem.typology.selectors.people import TypeAccessDenied


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
        if programme.k_gate.shows(len(current)) and all(
            unchanged_since(current, when, changed_at) for when in same
        ):
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
    access = access_for(viewer=viewer, programme=programme)
    access.require(
        access.can_manage,
        TypeAccessDenied,
        "Only the programme lead sees how the indicator performs.",
    )
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
