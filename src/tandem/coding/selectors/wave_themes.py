"""What the report-facing reads of one closed wave share: its codes, the people who wrote
(the ledger's population, measure "open-answers") and the coded units."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from tandem.analysis.redaction import (
    NameRedactor,
)
from tandem.analysis.themes import (
    CodedUnit,
)
from tandem.coding.models import (
    CodeAssignment,
    ReviewStatus,
)
from tandem.coding.selectors.codebook import CodeNode, code_nodes, flatten
from tandem.coding.selectors.redaction import redactor_for
from tandem.coding.selectors.sources import open_answers
from tandem.disclosure.ledger import Disclosure, piece
from tandem.surveys.models import InterviewNote, InvitationStatus, Wave, respondent_key
from tandem.surveys.selectors import wave_scope


def wave_respondents(*, wave: Wave) -> int:
    return wave.invitations.programme_group().filter(status=InvitationStatus.SUBMITTED).count()


# Every figure drawn from a wave's written answers — a theme count, a pair of themes, the
# quotations — is one measure in the ledger: its population is the set of people who wrote.
OPEN_ANSWERS = "open-answers"
SURFACE = "coding.themes"


@dataclass(frozen=True)
class Writers:
    """The participants who submitted at least one non-empty written answer to a closed wave.

    `invitations` maps each one's invitation to (respondent key, profession); the populations
    are sets of respondent keys (the ledger's members: participant ids, and minus the invitation
    id for an unmatched response, whose profession is not recorded).
    """

    invitations: dict[int, tuple[int, str]]

    @property
    def everyone(self) -> frozenset[int]:
        return frozenset(participant for participant, _ in self.invitations.values())

    def in_group(self, profession: str) -> frozenset[int]:
        return frozenset(p for p, group in self.invitations.values() if group == profession)


class WaveThemes:
    """What the report-facing reads of one closed wave share, each read once per page."""

    def __init__(self, wave: Wave, *, approved_only: bool = True) -> None:
        self.wave = wave
        self.scope = wave_scope(wave)
        self.k = wave.programme.min_group_size
        self.approved_only = approved_only

    @cached_property
    def nodes(self) -> list[CodeNode]:
        return flatten(code_nodes(self.wave.programme))

    @cached_property
    def paths(self) -> dict[int, str]:
        return {node.id: node.path for node in self.nodes}

    @cached_property
    def redactor(self) -> NameRedactor:
        return redactor_for(programme=self.wave.programme)

    @cached_property
    def writers(self) -> Writers:
        rows = (
            open_answers(self.wave)
            .order_by()
            .values_list(
                "invitation_id",
                "invitation__participant_id",
                "invitation__participant__person__profession",
            )
            .distinct()
        )
        return Writers(
            {
                invitation: (respondent_key(participant, invitation), group or "")
                for invitation, participant, group in rows
            }
        )

    @cached_property
    def units(self) -> list[CodedUnit]:
        """Every respondent who wrote and every interview, with the codes found in it.

        Respondents who wrote nothing are left out: they could carry no code, and the
        populations in the ledger are of people who wrote.
        """
        wave = self.wave
        statuses = (
            [ReviewStatus.APPROVED]
            if self.approved_only
            else [ReviewStatus.APPROVED, ReviewStatus.PENDING]
        )
        assignments = CodeAssignment.objects.filter(
            excerpt__wave=wave, excerpt__status__in=statuses
        ).values_list("code_id", "excerpt__answer__invitation_id", "excerpt__interview_note_id")
        codes: dict[str, set[str]] = defaultdict(set)
        for code_id, invitation_id, note_id in assignments:
            unit = f"r{invitation_id}" if invitation_id is not None else f"n{note_id}"
            codes[unit].add(str(code_id))
        units = [
            CodedUnit(
                unit_id=f"r{pk}",
                wave=str(wave.pk),
                group=profession,
                codes=frozenset(codes.get(f"r{pk}", ())),
            )
            for pk, (_, profession) in self.writers.invitations.items()
        ]
        units.extend(
            CodedUnit(
                unit_id=f"n{pk}",
                wave=str(wave.pk),
                group=profession or "",
                codes=frozenset(codes.get(f"n{pk}", ())),
            )
            for pk, profession in InterviewNote.objects.filter(wave=wave).values_list(
                "pk", "interviewee_profession"
            )
        )
        return units

    @cached_property
    def everyone_refused(self) -> str | None:
        """Why figures over everyone who wrote may not be shown (the ledger's words), or None."""
        disclosure = Disclosure(programme=self.wave.programme, surface=SURFACE)
        disclosure.add("everyone", piece(self.scope, OPEN_ANSWERS, self.writers.everyone))
        return disclosure.decide().reason("everyone")
