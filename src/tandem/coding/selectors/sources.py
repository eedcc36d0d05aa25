"""What the lead codes: a closed wave's open answers (under their references, never a
person) and its interview notes, one by one or question by question."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.crypto import salted_hmac

from tandem.coding.models import (
    Excerpt,
)
from tandem.coding.selectors.access import (
    SourceKind,
    require_closed,
    require_lead,
    require_lead_of_closed,
)
from tandem.coding.selectors.codebook import code_paths
from tandem.programmes.models import Programme, Role
from tandem.programmes.selectors import (
    ProgrammeNotFound,
)
from tandem.surveys.models import Answer, InterviewNote, InvitationStatus, Wave


def answer_ref(answer_id: int) -> str:
    """An answer's reference in pages and URLs, and the order answers are listed in: a keyed
    hash, so that it follows neither the order of invitations (created alphabetically by name),
    as the answer's id would, nor the order in which people answered."""
    return salted_hmac("tandem.coding.answer", str(answer_id)).hexdigest()[:20]


def coding_wave_for(*, viewer: Any, programme: Programme, wave_id: int) -> Wave:
    """The wave whose answers the lead codes: refused (`CodingNotOpenYet`) until it has closed."""
    require_lead(viewer=viewer, programme=programme)
    wave = (
        Wave.objects.filter(programme=programme, pk=wave_id)
        .select_related("programme__organisation")
        .first()
    )
    if wave is None:
        raise ProgrammeNotFound("No such questionnaire wave in this programme.")
    require_closed(wave=wave)
    return wave


def open_answers(wave: Wave) -> QuerySet[Answer]:
    """Open answers of submitted responses: what respondents chose to hand in.

    None at all while the wave is open: the views refuse such a wave with a reason first, and
    this keeps anything that forgets to from reaching its answers.
    """
    if not wave.has_closed():
        return Answer.objects.none()
    return (
        Answer.objects.filter(
            invitation__wave=wave,
            invitation__status=InvitationStatus.SUBMITTED,
            item_id__in=[item.id for item in wave.instrument.open_items],
        )
        .exclude(invitation__participant__role=Role.COMPARISON)
        .exclude(text="")
        .only("id", "item_id", "text")
    )


@dataclass(frozen=True)
class SourceExcerpt:
    excerpt_id: int
    start: int
    end: int
    text: str
    status: str
    status_label: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class CodingSource:
    """An open answer or an interview note as the lead codes it: text and excerpts, no person."""

    kind: SourceKind
    ref: str
    heading: str
    item_id: str
    text: str
    excerpts: tuple[SourceExcerpt, ...] = ()
    next_ref: str | None = None
    previous_ref: str | None = None

    @property
    def coded(self) -> bool:
        return any(excerpt.codes for excerpt in self.excerpts)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code on any passage of this text, once each."""
        return tuple(sorted({code for excerpt in self.excerpts for code in excerpt.codes}))


@dataclass(frozen=True)
class ItemAnswers:
    item_id: str
    question: str
    answers: tuple[CodingSource, ...]


def _excerpts_by_source(
    excerpts: QuerySet[Excerpt], paths: dict[int, str], key: str
) -> dict[int, list[SourceExcerpt]]:
    found: dict[int, list[SourceExcerpt]] = defaultdict(list)
    for excerpt in excerpts.prefetch_related("assignments").order_by("start", "end", "id"):
        found[getattr(excerpt, key)].append(
            SourceExcerpt(
                excerpt_id=excerpt.pk,
                start=excerpt.start,
                end=excerpt.end,
                text=excerpt.text,
                status=excerpt.status,
                status_label=excerpt.get_status_display(),
                codes=tuple(
                    sorted(
                        paths[a.code_id] for a in excerpt.assignments.all() if a.code_id in paths
                    )
                ),
            )
        )
    return found


def ordered_open_answers(wave: Wave) -> list[tuple[Answer, str]]:
    """The wave's open answers with their references, in the order of the references.

    Not by id (invitations are created in alphabetical order of names) nor by when people
    submitted; not by text either, so that one order serves every page and export.
    """
    answers = [(answer, answer_ref(answer.pk)) for answer in open_answers(wave)]
    answers.sort(key=lambda pair: pair[1])
    return answers


def open_answers_for_coding(*, viewer: Any, wave: Wave) -> list[ItemAnswers]:
    """The wave's open answers by question, each with its excerpts and codes, and no identity."""
    require_lead_of_closed(viewer=viewer, wave=wave)
    paths = code_paths(programme=wave.programme)
    excerpts = _excerpts_by_source(
        Excerpt.objects.filter(wave=wave, answer__isnull=False), paths, "answer_id"
    )
    by_item: dict[str, list[CodingSource]] = defaultdict(list)
    for answer, ref in ordered_open_answers(wave):
        by_item[answer.item_id].append(
            CodingSource(
                kind="answer",
                ref=ref,
                heading="",
                item_id=answer.item_id,
                text=answer.text,
                excerpts=tuple(excerpts.get(answer.pk, ())),
            )
        )
    return [
        ItemAnswers(item_id=item.id, question=item.text, answers=tuple(by_item.get(item.id, ())))
        for item in wave.instrument.open_items
    ]


def interview_notes_for_coding(*, viewer: Any, wave: Wave) -> list[CodingSource]:
    require_lead_of_closed(viewer=viewer, wave=wave)
    paths = code_paths(programme=wave.programme)
    excerpts = _excerpts_by_source(
        Excerpt.objects.filter(wave=wave, interview_note__isnull=False), paths, "interview_note_id"
    )
    return [
        CodingSource(
            kind="interview",
            ref=str(note.pk),
            heading=note.title,
            item_id="",
            text=note.text,
            excerpts=tuple(excerpts.get(note.pk, ())),
        )
        for note in InterviewNote.objects.filter(wave=wave).order_by("created_at", "id")
    ]


def answer_to_code(*, viewer: Any, wave: Wave, ref: str) -> Answer:
    """The open answer behind a reference, for a service to code (never shown as a model)."""
    require_lead_of_closed(viewer=viewer, wave=wave)
    for answer, answer_reference in ordered_open_answers(wave):
        if answer_reference == ref:
            return answer
    raise ProgrammeNotFound("No such answer in this wave.")


def note_to_code(*, viewer: Any, wave: Wave, note_id: int) -> InterviewNote:
    require_lead_of_closed(viewer=viewer, wave=wave)
    note = InterviewNote.objects.filter(wave=wave, pk=note_id).first()
    if note is None:
        raise ProgrammeNotFound("No such interview notes in this wave.")
    return note


def coding_source(*, viewer: Any, wave: Wave, record: Answer | InterviewNote) -> CodingSource:
    """What the coding page shows of one answer or note, and the answers either side of it."""
    require_lead_of_closed(viewer=viewer, wave=wave)
    paths = code_paths(programme=wave.programme)
    if isinstance(record, InterviewNote):
        excerpts = _excerpts_by_source(
            Excerpt.objects.filter(interview_note=record), paths, "interview_note_id"
        )
        return CodingSource(
            kind="interview",
            ref=str(record.pk),
            heading=record.title,
            item_id="",
            text=record.text,
            excerpts=tuple(excerpts.get(record.pk, ())),
        )
    excerpts = _excerpts_by_source(Excerpt.objects.filter(answer=record), paths, "answer_id")
    items = wave.instrument.open_items
    order = {item.id: index for index, item in enumerate(items)}
    # Question by question, as the wave's page lists them; within a question, by reference.
    sequence = sorted(
        ordered_open_answers(wave), key=lambda pair: order.get(pair[0].item_id, len(order))
    )
    refs = [ref for _, ref in sequence]
    ref = answer_ref(record.pk)
    position = refs.index(ref) if ref in refs else -1
    question = next((item.text for item in items if item.id == record.item_id), record.item_id)
    return CodingSource(
        kind="answer",
        ref=ref,
        heading=question,
        item_id=record.item_id,
        text=record.text,
        excerpts=tuple(excerpts.get(record.pk, ())),
        next_ref=refs[position + 1] if 0 <= position < len(refs) - 1 else None,
        previous_ref=refs[position - 1] if position > 0 else None,
    )
