"""The parts of a wave's feedback report: who responded, which scale scores may be shown (with
their populations in the disclosure ledger), the layout while the wave is open, and the share
giving each answer to each question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from tandem.analysis.anonymity import (
    BREAKDOWN_COLUMN,
    Position,
    SuppressedTable,
    suppress_breakdown,
    suppress_table,
)
from tandem.disclosure.ledger import Disclosure, Scope, piece, table_with_ledger
from tandem.programmes.models import Role
from tandem.reports.data import UNMATCHED, WaveData
from tandem.reports.feedback.figures import (
    BELOW_K,
    PENDING_CELL,
    Figure,
    ItemDistribution,
    ResponseRow,
    ScaleResult,
    _group_labels,
    _reason,
)
from tandem.surveys.models import Answer, InvitationStatus, Wave, respondent_key


def _response_section(data: WaveData, k: int) -> tuple[list[ResponseRow], ResponseRow]:
    """Who was invited and who of them responded: people only (unmatched responses have no
    invitee, so they are left out of the rates and said apart, `FeedbackReport.unmatched`)."""
    groups = [(value, label) for value, label in _group_labels(data) if value != UNMATCHED]
    invited = data.invited
    responded_by = {
        label: int(invited[(invited.profession == value)].submitted.sum())
        for value, label in groups
    }
    table = suppress_breakdown(responded_by, k=k, total_shown=True)
    rows = []
    for value, label in groups:
        position = Position.cell(label, BREAKDOWN_COLUMN)
        rows.append(
            ResponseRow(
                label=label,
                invited=int((invited.profession == value).sum()),
                responded=table.count(position),
                hidden=None if table.is_shown(position) else _reason(table.reason(position), k),
            )
        )
    total_position = Position.column_total(BREAKDOWN_COLUMN)
    total = ResponseRow(
        label="Everyone",
        invited=len(invited),
        responded=table.count(total_position),
        hidden=None if table.is_shown(total_position) else _reason(table.reason(total_position), k),
    )
    return rows, total


@dataclass(frozen=True)
class ScaleFigures:
    """Which scale scores of one wave may be shown: in-table suppression plus the ledger.

    `members` holds the participants behind each position (for the selectors only; never shown),
    `refused` the ledger's reason for each position it hid.
    """

    table: SuppressedTable
    refused: dict[Position, str]
    members: dict[Position, frozenset[int]]

    def shown(self, position: Position) -> bool:
        return self.table.is_shown(position)

    def reason(self, position: Position, k: int) -> str | None:
        if self.table.is_shown(position):
            return None
        return self.refused.get(position) or _reason(self.table.reason(position), k)


def scale_figures(data: WaveData, scores: pd.DataFrame, k: int, scope: Scope) -> ScaleFigures:
    """The scale scores a wave's feedback report shows, with their populations in the ledger.

    Also called by the comparison report for both of its waves before its own figures, so that a
    wave's own report always takes precedence over figures derived from it, whichever page is
    read first.
    """
    groups = _group_labels(data)
    profession = data.respondents["profession"]
    members: dict[Position, frozenset[int]] = {}
    for scale in data.scales:
        answered = scores[scale.id].dropna().index
        members[Position.column_total(scale.id)] = frozenset(int(p) for p in answered)
    for value, label in groups:
        in_group = set(profession.index[profession == value])
        for scale in data.scales:
            members[Position.cell(label, scale.id)] = frozenset(
                p for p in members[Position.column_total(scale.id)] if p in in_group
            )
    counts = {
        (label, scale.id): len(members[Position.cell(label, scale.id)])
        for _, label in groups
        for scale in data.scales
    }

    def suppress(forced: Any) -> SuppressedTable:
        # Each scale's overall n is shown (a column total); a group's n across scales is not.
        return suppress_table(
            counts,
            k=k,
            row_totals=False,
            column_totals=True,
            grand_total=False,
            forced_hidden=forced,
        )

    if not counts:
        return ScaleFigures(table=suppress(()), refused={}, members=members)
    table, refused = table_with_ledger(
        programme=data.wave.programme,
        surface="reports.feedback",
        suppress=suppress,
        pieces={
            position: (piece(scope, f"scale:{position.column}", people),)
            for position, people in members.items()
        },
    )
    return ScaleFigures(table=table, refused=refused, members=members)


def _pending_scales(data: WaveData) -> list[ScaleResult]:
    """The report's layout while the wave is open: every scale, no figure."""
    hidden = Figure(hidden=PENDING_CELL)
    groups = [label for _, label in _group_labels(data)]
    return [
        ScaleResult(
            id=scale.id,
            title=data.instrument.scales[scale.id].title,
            description=data.instrument.scales[scale.id].description,
            overall=hidden,
            by_group=dict.fromkeys(groups, hidden),
            difference=dict.fromkeys(groups, hidden),
            reliability_hidden=PENDING_CELL,
        )
        for scale in data.scales
    ]


def _item_distributions(
    data: WaveData, dont_know: dict[str, set[int]], k: int, scope: Scope | None
) -> tuple[list[ItemDistribution], list[str]]:
    """The share giving each answer to each question; `scope` None lays the table out empty."""
    instrument = data.instrument
    ledger = Disclosure(programme=data.wave.programme, surface="reports.feedback")
    for item in instrument.likert_items:
        if scope is not None:
            # The question's figures count everyone who answered it, "don't know" included.
            answered = set(data.items[item.id].dropna().index) | dont_know.get(item.id, set())
            ledger.add(item.id, piece(scope, f"item:{item.id}", answered))
    decisions = ledger.decide()
    distributions = []
    labels: list[str] = []
    for item in instrument.likert_items:
        scale = instrument.response_scales[item.response_scale or ""]
        option_labels = [option.label for option in scale.options]
        labels = labels or option_labels
        column = data.items[item.id].dropna()
        n = int(column.size)
        unknown = len(dont_know.get(item.id, ()))
        scale_title = instrument.scales[item.scale].title if item.scale else ""
        # k counts the answers the shares are worked out from: "don't know" is not one of them.
        hidden = (
            PENDING_CELL
            if scope is None
            else decisions.reason(item.id) or (BELOW_K.format(k=k) if n < k else None)
        )
        if hidden:
            distributions.append(
                ItemDistribution(
                    id=item.id,
                    text=item.text,
                    scale_title=scale_title,
                    reverse=item.reverse,
                    n=0,
                    percentages={},
                    dont_know=0,
                    hidden=hidden,
                )
            )
            continue
        counts = column.value_counts()
        percentages = {
            option.label: 100.0 * float(counts.get(float(option.value), 0)) / n
            for option in scale.options
            if option.value is not None
        }
        distributions.append(
            ItemDistribution(
                id=item.id,
                text=item.text,
                scale_title=scale_title,
                reverse=item.reverse,
                n=n,
                percentages=percentages,
                dont_know=unknown,
            )
        )
    return distributions, labels


def _dont_know(wave: Wave) -> dict[str, set[int]]:
    """Who answered "don't know" to each question (respondent keys), for the ledger and counts."""
    found: dict[str, set[int]] = {}
    for item_id, invitation, participant in (
        Answer.objects.filter(
            invitation__wave=wave, invitation__status=InvitationStatus.SUBMITTED, dont_know=True
        )
        .exclude(invitation__participant__role=Role.COMPARISON)
        .values_list("item_id", "invitation_id", "invitation__participant_id")
    ):
        found.setdefault(item_id, set()).add(respondent_key(participant, invitation))
    return found
