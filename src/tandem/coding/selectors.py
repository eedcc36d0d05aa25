"""Reads for qualitative coding, with who-may-see-what built in.

Coding and reviewing are the programme lead's work (superusers act as leads). Participants,
sponsors and coaches never reach raw open answers or unreviewed excerpts through this module:
the lead's selectors raise `ProgrammeAccessDenied` for them (and `ProgrammeNotFound` for people
outside the programme). Open answers are shown without anything that ties them to a person:
no name, no profession, and under references (keyed hashes of the answer's id) and in the order
of those references, which follow neither the order in which invitations were created
(alphabetical by name) nor the order in which people answered.

A wave's written answers are coded only once it has closed (`CodingNotOpenYet`, a 403 with the
date): while people are still answering, an answer that appears just after someone submits is
theirs. Interview notes can be attached to an open wave, but are coded with the rest after it
closes.

For reports (the `reports` app)
-------------------------------
Three reads return only what may be published. None takes a viewer: the caller has already
decided that the viewer may see this wave's report (the lead, or anyone once it is released).

All three go through the disclosure ledger (`tandem.disclosure.ledger`): nothing for a wave that is
still open (`reason` is the wave scope's `pending` sentence), and for a closed wave only figures
whose population — the participants who submitted at least one non-empty written answer, overall
or in one profession — does not differ by 1 to k − 1 people from a population already shown for
the wave's written answers (measure "open-answers"). Interviews count in the tables but have no
participant: they are the lead's own material, and stay out of the populations.

``released_excerpts(*, wave, group_size=None) -> ExcerptRelease``
    Approved excerpts, as their redacted text, with their codes and the question they answer.
    Empty, with `reason` saying why, unless the wave has at least k_text respondents
    (`Programme.min_text_group_size`, submitted invitations). Pass `group_size` when the
    quotes are shown for part of the wave (e.g. doctors only): the smaller of it and the wave's
    respondents must then reach k_text. `ExcerptRelease` is a list of `ReleasedExcerpt`
    (fields `excerpt_id`, `source` "answer" | "interview", `item_id`, `question`, `text`,
    `codes`) with `reason` ("" when released), `respondents` and `k_text` attributes.

``code_frequencies(*, wave, approved_only=True) -> CodeFrequencies``
    For each code: how many people who wrote (and interviews) carry it, by profession and overall,
    with primary and complementary suppression for the programme's k
    (`Programme.min_group_size`). Each `Cell` has `count` (None when hidden) and `reason`;
    `reason` on the whole says why there is no table (an open wave).

``code_cooccurrence(*, wave, approved_only=True) -> CodeCooccurrence``
    Pairs of codes found in the same response or interview, with how many; counts below k
    hidden; none, with `reason`, when the ledger refuses the wave's population.

By default only approved excerpts count, so that a report moves only when the lead has
reviewed the coding. The lead's summary page reads all three at once (`coding_summary`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet
from django.utils.crypto import salted_hmac

from tandem.analysis.anonymity import Position, SuppressedTable
from tandem.analysis.redaction import (
    NameRedactor,
    RedactedText,
    apply_redaction,
    phrase_spans,
)
from tandem.analysis.themes import (
    RESPONDENTS_ROW,
    Cell,
    CodedUnit,
    CodeFrequencyTable,
    code_frequency_table,
    label_term_allowed,
)
from tandem.analysis.themes import code_cooccurrence as cooccurrence_table
from tandem.coding.models import (
    Code,
    CodeAssignment,
    Excerpt,
    ReviewStatus,
    SuggestionStatus,
    ThemeSuggestion,
)
from tandem.disclosure.ledger import Disclosure, Piece, Scope, piece, table_with_ledger
from tandem.programmes.models import Person, Profession, Programme
from tandem.programmes.selectors import (
    MANAGING_ROLES,
    ProgrammeAccessDenied,
    ProgrammeNotFound,
    viewer_roles,
)
from tandem.surveys.models import Answer, InterviewNote, InvitationStatus, Wave
from tandem.surveys.selectors import wave_scope

SourceKind = Literal["answer", "interview"]

# Group labels for the frequency tables, in the order shown.
PROFESSION_GROUPS: tuple[tuple[str, str], ...] = (
    (Profession.DOCTOR, "Doctors"),
    (Profession.MANAGER, "Managers"),
    (Profession.OTHER_CLINICIAN, "Other clinicians"),
    (Profession.OTHER, "Others"),
    ("", "Profession not recorded"),
)


def require_lead(*, viewer: Any, programme: Programme) -> None:
    """Raise unless the viewer leads the programme: not found for outsiders, denied for others."""
    roles = viewer_roles(viewer=viewer, programme=programme)
    if not roles:
        raise ProgrammeNotFound("No such programme.")
    if not roles & MANAGING_ROLES:
        raise ProgrammeAccessDenied(
            "Only the programme lead codes and reviews open answers and interview notes."
        )


class CodingNotOpenYet(ProgrammeAccessDenied):
    """The wave has not closed yet: its written answers are not coded until it closes."""


def coding_closed_message(wave: Wave) -> str:
    return (
        f"Coding opens when the questionnaire closes on {wave.closes_on:%-d %B %Y} (or when "
        "the programme lead closes it earlier), so that a written answer that appears just after "
        "someone submits cannot be tied to them."
    )


def require_closed(*, wave: Wave) -> None:
    """Raise `CodingNotOpenYet` unless the wave has closed (its answers can no longer change)."""
    if not wave.has_closed():
        raise CodingNotOpenYet(coding_closed_message(wave))


def _require_lead_of_closed(*, viewer: Any, wave: Wave) -> None:
    require_lead(viewer=viewer, programme=wave.programme)
    require_closed(wave=wave)


# ---------------------------------------------------------------------------------------------
# Codebook
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeNode:
    """A code in the codebook tree, with how many excerpts carry it."""

    id: int
    name: str
    description: str
    colour: str
    colour_label: str
    parent_id: int | None
    depth: int
    path: str
    excerpt_count: int
    children: tuple[CodeNode, ...] = ()


def code_nodes(programme: Programme) -> list[CodeNode]:
    codes = list(
        Code.objects.filter(codebook__programme=programme)
        .annotate(excerpt_count=Count("assignments"))
        .order_by("name", "id")
    )
    by_parent: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        by_parent[code.parent_id].append(code)

    def build(code: Code, depth: int, prefix: str) -> CodeNode:
        path = f"{prefix} › {code.name}" if prefix else code.name
        return CodeNode(
            id=code.pk,
            name=code.name,
            description=code.description,
            colour=code.colour,
            colour_label=code.get_colour_display() if code.colour else "",
            parent_id=code.parent_id,
            depth=depth,
            path=path,
            excerpt_count=code.excerpt_count,  # type: ignore[attr-defined]
            children=tuple(build(child, depth + 1, path) for child in by_parent[code.pk]),
        )

    return [build(code, 0, "") for code in by_parent[None]]


def flatten(nodes: Iterable[CodeNode]) -> list[CodeNode]:
    """The tree depth first: each code followed by its sub-codes."""
    flat: list[CodeNode] = []
    for node in nodes:
        flat.append(node)
        flat.extend(flatten(node.children))
    return flat


def code_tree(*, viewer: Any, programme: Programme) -> list[CodeNode]:
    """The programme's codes as a tree (top-level codes, each with its sub-codes)."""
    require_lead(viewer=viewer, programme=programme)
    return code_nodes(programme)


def code_paths(*, programme: Programme) -> dict[int, str]:
    """Code id → "Parent › Child", for labels."""
    return {node.id: node.path for node in flatten(code_nodes(programme))}


def codes_for(*, programme: Programme) -> QuerySet[Code]:
    """The programme's codes, for choosing among in a form (the form checks membership)."""
    return Code.objects.filter(codebook__programme=programme)


def code_for(*, viewer: Any, programme: Programme, code_id: int) -> Code:
    require_lead(viewer=viewer, programme=programme)
    code = (
        Code.objects.filter(codebook__programme=programme, pk=code_id)
        .select_related("parent")
        .first()
    )
    if code is None:
        raise ProgrammeNotFound("No such code in this programme's codebook.")
    return code


def descendant_ids(*, code: Code) -> set[int]:
    """The ids of every code below `code` (not `code` itself)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Code.objects.filter(codebook_id=code.codebook_id).values_list(
        "pk", "parent_id"
    ):
        children[parent_id].append(pk)
    found: set[int] = set()
    stack = list(children[code.pk])
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children[pk])
    return found


# ---------------------------------------------------------------------------------------------
# Sources to code: open answers (anonymous) and interview notes
# ---------------------------------------------------------------------------------------------


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


def _open_answers(wave: Wave) -> QuerySet[Answer]:
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
    answers = [(answer, answer_ref(answer.pk)) for answer in _open_answers(wave)]
    answers.sort(key=lambda pair: pair[1])
    return answers


def open_answers_for_coding(*, viewer: Any, wave: Wave) -> list[ItemAnswers]:
    """The wave's open answers by question, each with its excerpts and codes, and no identity."""
    _require_lead_of_closed(viewer=viewer, wave=wave)
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
    _require_lead_of_closed(viewer=viewer, wave=wave)
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
    _require_lead_of_closed(viewer=viewer, wave=wave)
    for answer, answer_reference in ordered_open_answers(wave):
        if answer_reference == ref:
            return answer
    raise ProgrammeNotFound("No such answer in this wave.")


def note_to_code(*, viewer: Any, wave: Wave, note_id: int) -> InterviewNote:
    _require_lead_of_closed(viewer=viewer, wave=wave)
    note = InterviewNote.objects.filter(wave=wave, pk=note_id).first()
    if note is None:
        raise ProgrammeNotFound("No such interview notes in this wave.")
    return note


def coding_source(*, viewer: Any, wave: Wave, record: Answer | InterviewNote) -> CodingSource:
    """What the coding page shows of one answer or note, and the answers either side of it."""
    _require_lead_of_closed(viewer=viewer, wave=wave)
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


# ---------------------------------------------------------------------------------------------
# Review
# ---------------------------------------------------------------------------------------------


def redactor_for(*, programme: Programme) -> NameRedactor:
    """A redactor for the names of everyone in the programme's organisation.

    The whole organisation rather than the programme alone: answers name colleagues outside the
    programme too (executives, finance staff), and Tandem knows them from the import.
    """
    names = Person.objects.filter(
        Q(organisation=programme.organisation) | Q(participations__programme=programme)
    ).values_list("name", flat=True)
    return NameRedactor.for_names(names)


# How the review page names what each placeholder stands for.
REDACTION_KINDS = {
    "[name]": ("name", "names"),
    "[email]": ("e-mail address", "e-mail addresses"),
    "[phone]": ("phone number", "phone numbers"),
    "[NHS number]": ("NHS number", "NHS numbers"),
    "[date]": ("date", "dates"),
    "[postcode]": ("postcode", "postcodes"),
    "[ward]": ("ward", "wards"),
    "[redacted]": ("word or phrase you chose", "words or phrases you chose"),
}


@dataclass(frozen=True)
class ReleasePreview:
    """What approving an excerpt would release, and what was taken out on the way.

    `segments` are the released text in pieces, each with whether it is a placeholder (for
    marking them on the page); `automatic` is the automatic redaction of the text the lead
    started from (its `segments()` show the words taken out beside their placeholders).
    """

    text: str
    segments: tuple[tuple[str, bool], ...]
    automatic: RedactedText
    lead_count: int
    edited: bool

    @property
    def automatic_count(self) -> int:
        return len(self.automatic.spans)

    @property
    def summary(self) -> str:
        return redaction_summary(self.segments)


def redaction_summary(segments: Iterable[tuple[str, bool]]) -> str:
    """What was taken out, in words ("2 names and 1 phone number taken out"); "" for nothing."""
    counts: dict[str, int] = defaultdict(int)
    for part, is_placeholder in segments:
        if is_placeholder:
            counts[part[: part.index("]") + 1]] += 1
    parts = [
        f"{counts[placeholder]} {one if counts[placeholder] == 1 else many}"
        for placeholder, (one, many) in REDACTION_KINDS.items()
        if counts.get(placeholder)
    ]
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{joined} taken out"


_MARKED = re.compile(
    "(?:" + "|".join(re.escape(p) for p in REDACTION_KINDS) + ")(?:['’]s(?!\\w)|(?<=s\\])['’])?"
)


def marked_segments(text: str) -> tuple[tuple[str, bool], ...]:
    """`text` in pieces, each with whether it is a placeholder ("[name]'s" is one piece)."""
    pieces: list[tuple[str, bool]] = []
    cursor = 0
    for match in _MARKED.finditer(text):
        if match.start() > cursor:
            pieces.append((text[cursor : match.start()], False))
        pieces.append((match.group(), True))
        cursor = match.end()
    if cursor < len(text):
        pieces.append((text[cursor:], False))
    return tuple(pieces)


def release_preview(
    *,
    programme: Programme,
    text: str,
    release_text: str = "",
    also_redact: Iterable[str] = (),
    redactor: NameRedactor | None = None,
) -> ReleasePreview:
    """The text approving would release: the lead's edit (or the passage), redacted
    automatically, then with the lead's own words and phrases taken out as "[redacted]".

    No viewer: the caller has found the excerpt through `excerpt_for`, which checks the lead.
    """
    redactor = redactor or redactor_for(programme=programme)
    edited = bool(release_text.strip())
    source = " ".join(release_text.split()) if edited else text
    automatic = apply_redaction(source, redactor.spans(source))
    lead = apply_redaction(automatic.text, phrase_spans(automatic.text, also_redact))
    return ReleasePreview(
        text=lead.text,
        segments=marked_segments(lead.text),
        automatic=automatic,
        lead_count=len(lead.spans),
        edited=edited,
    )


@dataclass(frozen=True)
class ReviewExcerpt:
    excerpt_id: int
    source: SourceKind
    source_label: str
    text: str
    release_text: str
    status: str
    status_label: str
    codes: tuple[str, ...]
    reviewed_at: Any = None
    # The passage in pieces, each with the placeholder that replaces it (None: kept).
    passage: tuple[tuple[str, str | None], ...] = ()
    # The released (or to-be-released) text in pieces, each with whether it is a placeholder.
    release: tuple[tuple[str, bool], ...] = ()
    redaction_summary: str = ""


def review_counts(*, viewer: Any, wave: Wave) -> dict[str, int]:
    _require_lead_of_closed(viewer=viewer, wave=wave)
    counts = dict(
        Excerpt.objects.filter(wave=wave)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in ReviewStatus.values}


def excerpts_for_review(*, viewer: Any, wave: Wave, status: str) -> list[ReviewExcerpt]:
    """Excerpts in one review state, each with the redacted version a report would quote.

    Answers first, question by question and in the order of their references (as on the
    wave's page), then interview notes: never in the order excerpts were made, which for a
    suggestion accepted in one go would follow the answers' ids.
    """
    _require_lead_of_closed(viewer=viewer, wave=wave)
    paths = code_paths(programme=wave.programme)
    redactor = redactor_for(programme=wave.programme)
    questions = {item.id: item.text for item in wave.instrument.open_items}
    question_order = {item.id: index for index, item in enumerate(wave.instrument.open_items)}
    excerpts = list(
        Excerpt.objects.filter(wave=wave, status=status)
        .select_related("interview_note")
        .prefetch_related("assignments")
    )
    answer_items = dict(
        Answer.objects.filter(excerpts__wave=wave)
        .order_by()
        .values_list("pk", "item_id")
        .distinct()
    )

    def place(excerpt: Excerpt) -> tuple[int, int, str, int, int]:
        if excerpt.answer_id is None:
            return (1, 0, f"{excerpt.interview_note_id or 0:012d}", excerpt.start, excerpt.end)
        item_id = answer_items.get(excerpt.answer_id, "")
        return (
            0,
            question_order.get(item_id, len(question_order)),
            answer_ref(excerpt.answer_id),
            excerpt.start,
            excerpt.end,
        )

    excerpts.sort(key=place)
    rows = []
    for excerpt in excerpts:
        preview = release_preview(programme=wave.programme, text=excerpt.text, redactor=redactor)
        if excerpt.status == ReviewStatus.APPROVED:
            # What was stored at approval, with anything a later rule finds marked too.
            release_text = redactor.redact(excerpt.redacted_text)
            release = marked_segments(release_text)
        else:
            release_text, release = preview.text, preview.segments
        if excerpt.interview_note is not None:
            source: SourceKind = "interview"
            label = f"Interview: {excerpt.interview_note.title}"
        else:
            source = "answer"
            item_id = answer_items.get(excerpt.answer_id or 0, "")
            label = questions.get(item_id, item_id)
        rows.append(
            ReviewExcerpt(
                excerpt_id=excerpt.pk,
                source=source,
                source_label=label,
                text=excerpt.text,
                release_text=release_text,
                status=excerpt.status,
                status_label=excerpt.get_status_display(),
                codes=tuple(sorted(paths[a.code_id] for a in excerpt.assignments.all())),
                reviewed_at=excerpt.reviewed_at,
                passage=tuple(preview.automatic.segments()),
                release=release,
                redaction_summary=redaction_summary(release),
            )
        )
    return rows


def excerpt_for(*, viewer: Any, wave: Wave, excerpt_id: int) -> Excerpt:
    _require_lead_of_closed(viewer=viewer, wave=wave)
    excerpt = Excerpt.objects.filter(wave=wave, pk=excerpt_id).first()
    if excerpt is None:
        raise ProgrammeNotFound("No such excerpt in this wave.")
    return excerpt


# ---------------------------------------------------------------------------------------------
# Theme suggestions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionView:
    id: int
    terms: tuple[str, ...]
    label: str
    answers: tuple[str, ...]


def theme_suggestions_for(*, viewer: Any, wave: Wave) -> list[SuggestionView]:
    """Suggestions waiting for a decision, each with the texts of its answers (no identity).

    The answers in the order of their references, like everywhere else: a suggestion keeps its
    answers' ids in the order they were grouped, which must not show through.
    """
    _require_lead_of_closed(viewer=viewer, wave=wave)
    suggestions = list(
        ThemeSuggestion.objects.filter(wave=wave, status=SuggestionStatus.PENDING).order_by("id")
    )
    texts = dict(_open_answers(wave).values_list("pk", "text"))
    redactor = redactor_for(programme=wave.programme)

    def terms(suggestion: ThemeSuggestion) -> tuple[str, ...]:
        # Suggestions stored before labels were filtered may hold a number or a name.
        return tuple(t for t in suggestion.terms if label_term_allowed(str(t), redactor))

    return [
        SuggestionView(
            id=suggestion.pk,
            terms=terms(suggestion),
            label=", ".join(terms(suggestion)[:3]),
            answers=tuple(
                text
                for _, text in sorted(
                    (answer_ref(pk), texts[pk]) for pk in suggestion.answer_ids if pk in texts
                )
            ),
        )
        for suggestion in suggestions
    ]


def theme_suggestion_for(*, viewer: Any, wave: Wave, suggestion_id: int) -> ThemeSuggestion:
    _require_lead_of_closed(viewer=viewer, wave=wave)
    suggestion = ThemeSuggestion.objects.filter(
        wave=wave, pk=suggestion_id, status=SuggestionStatus.PENDING
    ).first()
    if suggestion is None:
        raise ProgrammeNotFound("No such suggestion waiting for a decision.")
    return suggestion


def uncoded_answer_count(*, viewer: Any, wave: Wave) -> int:
    _require_lead_of_closed(viewer=viewer, wave=wave)
    return _open_answers(wave).exclude(excerpts__assignments__isnull=False).count()


def uncoded_answers(*, wave: Wave) -> list[Answer]:
    """Open answers with no coded excerpt yet, in the order of their references: what theme
    suggestions group (the grouping, and the order of each group's answers, start from it).

    No viewer: for services, which are reached only through views that checked the lead. None
    while the wave is open.
    """
    answers = _open_answers(wave).exclude(excerpts__assignments__isnull=False)
    return sorted(answers, key=lambda answer: answer_ref(answer.pk))


# ---------------------------------------------------------------------------------------------
# For reports (see the module docstring)
# ---------------------------------------------------------------------------------------------


def wave_respondents(*, wave: Wave) -> int:
    return wave.invitations.filter(status=InvitationStatus.SUBMITTED).count()


# Every figure drawn from a wave's written answers — a theme count, a pair of themes, the
# quotations — is one measure in the ledger: its population is the set of people who wrote.
OPEN_ANSWERS = "open-answers"
SURFACE = "coding.themes"


@dataclass(frozen=True)
class Writers:
    """The participants who submitted at least one non-empty written answer to a closed wave.

    `invitations` maps each one's invitation to (participant id, profession); the populations
    are sets of participant ids (the ledger's members).
    """

    invitations: dict[int, tuple[int, str]]

    @property
    def everyone(self) -> frozenset[int]:
        return frozenset(participant for participant, _ in self.invitations.values())

    def in_group(self, profession: str) -> frozenset[int]:
        return frozenset(p for p, group in self.invitations.values() if group == profession)


class _WaveThemes:
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
            _open_answers(self.wave)
            .order_by()
            .values_list(
                "invitation_id",
                "invitation__participant_id",
                "invitation__participant__person__profession",
            )
            .distinct()
        )
        return Writers(
            {invitation: (participant, group or "") for invitation, participant, group in rows}
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


@dataclass(frozen=True)
class ReleasedExcerpt:
    excerpt_id: int
    source: SourceKind
    item_id: str
    question: str
    text: str
    codes: tuple[str, ...]


class ExcerptRelease(list[ReleasedExcerpt]):
    """The quotations a report may show: a list, with why it is empty when it is."""

    def __init__(
        self,
        excerpts: Iterable[ReleasedExcerpt] = (),
        *,
        reason: str = "",
        respondents: int = 0,
        k_text: int = 0,
    ) -> None:
        super().__init__(excerpts)
        self.reason = reason
        self.respondents = respondents
        self.k_text = k_text


def released_excerpts(*, wave: Wave, group_size: int | None = None) -> ExcerptRelease:
    """Approved excerpts as redacted text, only when the group reaches k_text (see module doc)."""
    return _released(_WaveThemes(wave), group_size)


def _released(themes: _WaveThemes, group_size: int | None) -> ExcerptRelease:
    wave = themes.wave
    k_text = wave.programme.min_text_group_size
    respondents = wave_respondents(wave=wave)
    if not themes.scope.frozen:
        return ExcerptRelease(reason=themes.scope.pending, respondents=respondents, k_text=k_text)
    size = respondents if group_size is None else min(group_size, respondents)
    if size < k_text:
        return ExcerptRelease(
            reason=(
                f"Quotations are shown only for groups of at least {k_text} respondents; "
                f"this group has fewer, so none are shown."
            ),
            respondents=respondents,
            k_text=k_text,
        )
    questions = {item.id: item.text for item in wave.instrument.open_items}
    order = {item.id: index for index, item in enumerate(wave.instrument.open_items)}
    # Only answers of submitted responses: a response withdrawn from the count leaves no quotes.
    submitted = Q(answer__invitation__status=InvitationStatus.SUBMITTED) | Q(
        interview_note__isnull=False
    )
    excerpts = (
        Excerpt.objects.filter(wave=wave, status=ReviewStatus.APPROVED)
        .filter(submitted)
        .exclude(redacted_text="")
        .select_related("answer")
        .prefetch_related("assignments")
    )
    released = [
        ReleasedExcerpt(
            excerpt_id=excerpt.pk,
            source="answer" if excerpt.answer is not None else "interview",
            item_id=excerpt.answer.item_id if excerpt.answer is not None else "",
            question=(
                questions.get(excerpt.answer.item_id, excerpt.answer.item_id)
                if excerpt.answer is not None
                else "Interviews"
            ),
            # Redacted again on the way out: an excerpt approved before a rule was added (or a
            # person was imported) is quoted under today's rules. Idempotent, so no change else.
            text=themes.redactor.redact(excerpt.redacted_text),
            codes=tuple(sorted(themes.paths[a.code_id] for a in excerpt.assignments.all())),
        )
        for excerpt in excerpts
    ]
    if not released:
        return ExcerptRelease(respondents=respondents, k_text=k_text)
    # The set of quotations is a reading over everyone who wrote: beside another reading over a
    # population one person larger or smaller, the quotations that differ would be theirs.
    if themes.everyone_refused is not None:
        return ExcerptRelease(
            reason=themes.everyone_refused, respondents=respondents, k_text=k_text
        )
    released.sort(
        key=lambda e: (
            e.source != "answer",
            order.get(e.item_id, 0),
            e.text.casefold(),
            e.excerpt_id,
        )
    )
    return ExcerptRelease(released, respondents=respondents, k_text=k_text)


@dataclass(frozen=True)
class FrequencyRow:
    code_id: int
    label: str
    cells: tuple[Cell, ...]  # in the order of `CodeFrequencies.groups`
    total: Cell


@dataclass(frozen=True)
class CodeFrequencies:
    wave: Wave
    k: int
    approved_only: bool
    groups: tuple[tuple[str, str], ...]  # (profession value, label)
    respondents: tuple[Cell, ...]  # people who wrote, and interviews, per group
    respondents_total: Cell
    rows: tuple[FrequencyRow, ...] = field(default_factory=tuple)
    reason: str = ""  # why there is no table at all (the wave is still open)


def _frequency_pieces(
    table: CodeFrequencyTable, writers: Writers, scope: Scope
) -> dict[Position, tuple[Piece, ...]]:
    """The population behind every number of the table, overall figures first (precedence)."""
    rows = [RESPONDENTS_ROW, *(row.code for row in table.rows)]
    everyone = (piece(scope, OPEN_ANSWERS, writers.everyone),)
    groups = {
        group: (piece(scope, OPEN_ANSWERS, writers.in_group(group)),) for group in table.groups
    }
    pieces: dict[Position, tuple[Piece, ...]] = {Position.row_total(row): everyone for row in rows}
    for row in rows:
        for group in table.groups:
            pieces[Position.cell(row, group)] = groups[group]
    return pieces


def code_frequencies(*, wave: Wave, approved_only: bool = True) -> CodeFrequencies:
    """How many people who wrote (and interviews) carry each code, by profession.

    Suppressed for k within the table, and through the ledger against every population already
    shown for the wave's written answers; nothing while the wave is open.
    """
    return _frequencies(_WaveThemes(wave, approved_only=approved_only))


def _frequencies(themes: _WaveThemes) -> CodeFrequencies:
    wave, k, approved_only = themes.wave, themes.k, themes.approved_only
    if not themes.scope.frozen:
        return CodeFrequencies(
            wave=wave,
            k=k,
            approved_only=approved_only,
            groups=(),
            respondents=(),
            respondents_total=Cell(count=None, reason=themes.scope.pending),
            reason=themes.scope.pending,
        )

    def build(forced: Iterable[Position]) -> CodeFrequencyTable | None:
        return code_frequency_table(
            themes.units,
            k=k,
            wave=str(wave.pk),
            codes=[str(node.id) for node in themes.nodes],
            groups=[value for value, _ in PROFESSION_GROUPS],
            forced_hidden=forced,
        )

    first = build(())
    if first is None:
        return CodeFrequencies(
            wave=wave,
            k=k,
            approved_only=approved_only,
            groups=(),
            respondents=(),
            respondents_total=Cell(count=None, reason="no responses"),
        )

    def suppress(forced: Iterable[Position]) -> SuppressedTable:
        table = build(forced)
        assert table is not None and table.suppressed is not None  # the units are the same
        return table.suppressed

    _, refused = table_with_ledger(
        programme=wave.programme,
        surface=SURFACE,
        suppress=suppress,
        pieces=_frequency_pieces(first, themes.writers, themes.scope),
    )
    table = build(refused) or first

    def cell(position: Position, found: Cell) -> Cell:
        # The ledger's own words for what it refused; the table's for the rest.
        return Cell(count=None, reason=refused[position]) if position in refused else found

    labels = dict(PROFESSION_GROUPS)
    return CodeFrequencies(
        wave=wave,
        k=k,
        approved_only=approved_only,
        groups=tuple((group, labels.get(group, group)) for group in table.groups),
        respondents=tuple(
            cell(Position.cell(RESPONDENTS_ROW, group), table.respondents[group])
            for group in table.groups
        ),
        respondents_total=cell(Position.row_total(RESPONDENTS_ROW), table.respondents_total),
        rows=tuple(
            FrequencyRow(
                code_id=int(row.code),
                label=themes.paths[int(row.code)],
                cells=tuple(
                    cell(Position.cell(row.code, group), row.cells[group]) for group in table.groups
                ),
                total=cell(Position.row_total(row.code), row.total),
            )
            for row in table.rows
        ),
    )


@dataclass(frozen=True)
class CooccurrenceRow:
    first_id: int
    first: str
    second_id: int
    second: str
    cell: Cell


@dataclass(frozen=True)
class CodeCooccurrence:
    wave: Wave
    k: int
    rows: tuple[CooccurrenceRow, ...]
    reason: str = ""  # why no pair is listed although some were found (open wave, ledger)


def code_cooccurrence(*, wave: Wave, approved_only: bool = True) -> CodeCooccurrence:
    """Pairs of codes in the same response or interview, with how many; fewer than k hidden.

    Every count is over everyone who wrote: when the ledger refuses that population, no pair is
    listed (which pairs occur would itself be a reading).
    """
    return _cooccurrence(_WaveThemes(wave, approved_only=approved_only))


def _cooccurrence(themes: _WaveThemes) -> CodeCooccurrence:
    wave, k = themes.wave, themes.k
    if not themes.scope.frozen:
        return CodeCooccurrence(wave=wave, k=k, rows=(), reason=themes.scope.pending)
    pairs = cooccurrence_table(
        themes.units, k=k, codes=[str(node.id) for node in themes.nodes]
    ).get(str(wave.pk), ())
    if not pairs:
        return CodeCooccurrence(wave=wave, k=k, rows=())
    if themes.everyone_refused is not None:
        return CodeCooccurrence(wave=wave, k=k, rows=(), reason=themes.everyone_refused)
    return CodeCooccurrence(
        wave=wave,
        k=k,
        rows=tuple(
            CooccurrenceRow(
                first_id=int(pair.first),
                first=themes.paths[int(pair.first)],
                second_id=int(pair.second),
                second=themes.paths[int(pair.second)],
                cell=pair.cell,
            )
            for pair in pairs
        ),
    )


@dataclass(frozen=True)
class CodingSummary:
    frequencies: CodeFrequencies
    cooccurrence: CodeCooccurrence
    release: ExcerptRelease


def coding_summary(*, viewer: Any, wave: Wave, approved_only: bool = True) -> CodingSummary:
    """The lead's summary page: the three reads above, sharing what they read (a closed wave)."""
    _require_lead_of_closed(viewer=viewer, wave=wave)
    themes = _WaveThemes(wave, approved_only=approved_only)
    return CodingSummary(
        frequencies=_frequencies(themes),
        cooccurrence=_cooccurrence(themes),
        # Quotations are of approved excerpts whatever the page counts: they use no units.
        release=_released(themes, None),
    )
