"""The programme's coding as REFI-QDA files, for the lead's own analysis in other QDA software.

What leaves Tandem is de-identified:
- open answers become one text source per question per wave, the answers one after another
  with a blank line between, in the order of their references (keyed hashes) — never one
  source per person, and nothing that says who wrote what or when;
- a wave joins the project once it has closed, as it does the coding pages;
- interview notes are one source each, named by the title the lead gave them;
- every text that leaves is redacted (`tandem.analysis.redaction`: people's names with or
  without a title, named wards, e-mail addresses, phone and NHS numbers, dates, postcodes):
  the sources, and the coded selections moved to the same words in the redacted text; the
  selections' names (taken from the redacted text); interview notes' titles; and the codes'
  names and descriptions, which the lead writes and may have taken from a theme suggestion or
  a passage ("Dr Smith's clinic"), in the .qdpx and in the .qdc alike.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from tandem.analysis.themes import NameRedactor, RedactedText, apply_redaction
from tandem.coding import selectors
from tandem.coding.models import Code, CodeAssignment, Excerpt
from tandem.coding.refi import (
    RefiCode,
    RefiCoding,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiUser,
    codebook_xml,
    project_qdpx,
    stable_guid,
)
from tandem.programmes.models import Programme
from tandem.surveys.models import InterviewNote, Wave

logger = logging.getLogger(__name__)

SOURCE_SEPARATOR = "\n\n"
SELECTION_NAME_LENGTH = 60


def code_guid(code_id: int) -> str:
    return stable_guid("code", code_id)


def _refi_codes(programme: Programme, redactor: NameRedactor) -> tuple[RefiCode, ...]:
    def convert(node: selectors.CodeNode) -> RefiCode:
        return RefiCode(
            guid=code_guid(node.id),
            name=redactor.redact(node.name),
            description=redactor.redact(node.description),
            colour=node.colour,
            children=tuple(convert(child) for child in node.children),
        )

    return tuple(convert(node) for node in selectors.code_nodes(programme))


def codebook_export(*, viewer: Any, programme: Programme) -> bytes:
    """The codebook as a REFI-QDA .qdc document (lead only). Not audited here: the view hands
    it over through `tandem.web.audited_download`, which writes `coding.export`."""
    selectors.require_lead(viewer=viewer, programme=programme)
    return codebook_xml(_refi_codes(programme, selectors.redactor_for(programme=programme)))


def _user_guid(user_id: int | None) -> str:
    return stable_guid("user", user_id) if user_id is not None else ""


def _selection(
    excerpt: Excerpt, assignments: list[CodeAssignment], redacted: RedactedText, offset: int
) -> RefiSelection:
    start = redacted.position(excerpt.start)
    end = redacted.position(excerpt.end, is_end=True)
    words = " ".join(redacted.text[start:end].split())
    name = (
        words if len(words) <= SELECTION_NAME_LENGTH else words[: SELECTION_NAME_LENGTH - 1] + "…"
    )
    return RefiSelection(
        guid=stable_guid("excerpt", excerpt.pk),
        name=name,
        start=offset + start,
        end=offset + end,
        creating_user=_user_guid(excerpt.created_by_id),
        created_at=excerpt.created_at,
        codings=tuple(
            RefiCoding(
                guid=stable_guid("assignment", assignment.pk),
                code_guid=code_guid(assignment.code_id),
                creating_user=_user_guid(assignment.created_by_id),
                created_at=assignment.created_at,
            )
            for assignment in assignments
        ),
    )


def _coded_excerpts(wave: Wave) -> tuple[dict[int, list[Excerpt]], dict[int, list[Excerpt]]]:
    by_answer: dict[int, list[Excerpt]] = defaultdict(list)
    by_note: dict[int, list[Excerpt]] = defaultdict(list)
    excerpts = (
        Excerpt.objects.filter(wave=wave, assignments__isnull=False)
        .distinct()
        .prefetch_related("assignments")
        .order_by("start", "end", "id")
    )
    for excerpt in excerpts:
        if excerpt.answer_id is not None:
            by_answer[excerpt.answer_id].append(excerpt)
        elif excerpt.interview_note_id is not None:
            by_note[excerpt.interview_note_id].append(excerpt)
    return by_answer, by_note


def _current(excerpts: list[Excerpt], text: str) -> list[Excerpt]:
    # A response re-imported with different wording leaves old offsets pointing at other words;
    # such a selection is left out rather than exported onto the wrong passage.
    return [e for e in excerpts if text[e.start : e.end] == e.text]


def _wave_sources(wave: Wave, redactor: NameRedactor) -> list[RefiSource]:
    by_answer, by_note = _coded_excerpts(wave)
    answers_by_item: dict[str, list[Any]] = defaultdict(list)
    for answer, _ in selectors.ordered_open_answers(wave):
        answers_by_item[answer.item_id].append(answer)
    sources: list[RefiSource] = []
    for item in wave.instrument.open_items:
        answers = answers_by_item.get(item.id)
        if not answers:
            continue
        pieces: list[str] = []
        selections: list[RefiSelection] = []
        offset = 0
        for answer in answers:
            redacted = apply_redaction(answer.text, redactor.spans(answer.text))
            selections.extend(
                _selection(excerpt, list(excerpt.assignments.all()), redacted, offset)
                for excerpt in _current(by_answer.get(answer.pk, []), answer.text)
            )
            pieces.append(redacted.text)
            offset += len(redacted.text) + len(SOURCE_SEPARATOR)
        sources.append(
            RefiSource(
                guid=stable_guid("wave", wave.pk, "item", item.id),
                name=f"{wave.title}: {item.id}",
                description=item.text,
                text=SOURCE_SEPARATOR.join(pieces),
                selections=tuple(selections),
            )
        )
    for note in InterviewNote.objects.filter(wave=wave).order_by("created_at", "id"):
        redacted = apply_redaction(note.text, redactor.spans(note.text))
        sources.append(
            RefiSource(
                guid=stable_guid("interview", note.pk),
                name=f"{wave.title}: {redactor.redact(note.title)}",
                description="Interview notes",
                text=redacted.text,
                selections=tuple(
                    _selection(excerpt, list(excerpt.assignments.all()), redacted, 0)
                    for excerpt in _current(by_note.get(note.pk, []), note.text)
                ),
            )
        )
    return sources


def refi_project(*, viewer: Any, programme: Programme) -> RefiProject:
    """The programme's codebook, sources and codings as plain data (lead only)."""
    selectors.require_lead(viewer=viewer, programme=programme)
    redactor = selectors.redactor_for(programme=programme)
    sources: list[RefiSource] = []
    for wave in Wave.objects.filter(programme=programme).order_by("opens_on", "id"):
        if wave.has_closed():
            sources.extend(_wave_sources(wave, redactor))
    coders = {
        *CodeAssignment.objects.filter(code__codebook__programme=programme).values_list(
            "created_by", flat=True
        ),
        *Excerpt.objects.filter(wave__programme=programme).values_list("created_by", flat=True),
        viewer.pk,
    }
    coder_ids = {pk for pk in coders if pk is not None}
    users = tuple(
        RefiUser(guid=_user_guid(user.pk), name=user.get_full_name() or f"User {user.pk}")
        for user in get_user_model().objects.filter(pk__in=coder_ids).order_by("pk")
    )
    return RefiProject(
        name=programme.name,
        created_at=timezone.now(),
        codes=_refi_codes(programme, redactor),
        sources=tuple(sources),
        users=users,
        creating_user=_user_guid(viewer.pk),
        description=(
            f"Exported from Tandem. Open answers are grouped by question, one source per question "
            f"per wave; names, contact details, NHS numbers, dates, postcodes and named wards are redacted. {Code.objects.filter(codebook__programme=programme).count()} codes."
        ),
    )


def project_export(*, viewer: Any, programme: Programme) -> bytes:
    """The programme's coding as a REFI-QDA .qdpx file (lead only). Not audited here: the view
    hands it over through `tandem.web.audited_download`, which writes `coding.export`."""
    return project_qdpx(refi_project(viewer=viewer, programme=programme))
