"""Reads for qualitative coding, with who-may-see-what built in.

Coding and reviewing are the programme lead's work (superusers act as leads). Participants,
sponsors and coaches never reach raw open answers or unreviewed excerpts through this module:
the lead's selectors raise `ProgrammeAccessDenied` for them (and `ProgrammeNotFound` for people
outside the programme). Open answers are shown without anything that ties them to a person:
no name, no profession, and in an order (by text) and under references (keyed hashes) that do
not follow the order in which invitations were created.

For reports (the `reports` app)
-------------------------------
Two reads return only what may be published. Neither takes a viewer: the caller has already
decided that the viewer may see this wave's report (the lead, or anyone once it is released).

``released_excerpts(*, wave, group_size=None) -> ExcerptRelease``
    Approved excerpts, as their redacted text, with their codes and the question they answer.
    Empty, with `reason` saying why, unless the wave has at least k_text respondents
    (`Programme.min_text_group_size`, submitted invitations). Pass `group_size` when the
    quotes are shown for part of the wave (e.g. doctors only): the smaller of it and the wave's
    respondents must then reach k_text. `ExcerptRelease` is a list of `ReleasedExcerpt`
    (fields `excerpt_id`, `source` "answer" | "interview", `item_id`, `question`, `text`,
    `codes`) with `reason` ("" when released), `respondents` and `k_text` attributes.

``code_frequencies(*, wave, approved_only=True) -> CodeFrequencies``
    For each code: how many responses (and interviews) carry it, by profession and overall,
    with primary and complementary suppression for the programme's k
    (`Programme.min_group_size`). Each `Cell` has `count` (None when hidden) and `reason`.

``code_cooccurrence(*, wave, approved_only=True) -> CodeCooccurrence``
    Pairs of codes found in the same response or interview, with how many; counts below k
    hidden.

By default only approved excerpts count, so that a report moves only when the lead has
reviewed the coding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet
from django.utils.crypto import salted_hmac

from tandem.analysis.themes import Cell, CodedUnit, NameRedactor
from tandem.analysis.themes import code_cooccurrence as cooccurrence_table
from tandem.analysis.themes import code_frequencies as frequency_tables
from tandem.coding.models import (
    Code,
    CodeAssignment,
    Excerpt,
    ReviewStatus,
    SuggestionStatus,
    ThemeSuggestion,
)
from tandem.programmes.models import Person, Profession, Programme
from tandem.programmes.selectors import (
    MANAGING_ROLES,
    ProgrammeAccessDenied,
    ProgrammeNotFound,
    viewer_roles,
)
from tandem.surveys.models import Answer, InterviewNote, InvitationStatus, Wave

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
    """An answer's reference in pages and URLs: a keyed hash, so that it does not follow the
    order of invitations (created alphabetically by name) as the answer's id would."""
    return salted_hmac("tandem.coding.answer", str(answer_id)).hexdigest()[:20]


def coding_wave_for(*, viewer: Any, programme: Programme, wave_id: int) -> Wave:
    require_lead(viewer=viewer, programme=programme)
    wave = (
        Wave.objects.filter(programme=programme, pk=wave_id)
        .select_related("programme__organisation")
        .first()
    )
    if wave is None:
        raise ProgrammeNotFound("No such questionnaire wave in this programme.")
    return wave


def _open_answers(wave: Wave) -> QuerySet[Answer]:
    """Open answers of submitted responses: what respondents chose to hand in."""
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
    # By text, then by reference: an order that says nothing about who wrote what.
    answers = [(answer, answer_ref(answer.pk)) for answer in _open_answers(wave)]
    answers.sort(key=lambda pair: (pair[0].text.casefold(), pair[1]))
    return answers


def open_answers_for_coding(*, viewer: Any, wave: Wave) -> list[ItemAnswers]:
    """The wave's open answers by question, each with its excerpts and codes, and no identity."""
    require_lead(viewer=viewer, programme=wave.programme)
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
    require_lead(viewer=viewer, programme=wave.programme)
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
    require_lead(viewer=viewer, programme=wave.programme)
    for answer, answer_reference in ordered_open_answers(wave):
        if answer_reference == ref:
            return answer
    raise ProgrammeNotFound("No such answer in this wave.")


def note_to_code(*, viewer: Any, wave: Wave, note_id: int) -> InterviewNote:
    require_lead(viewer=viewer, programme=wave.programme)
    note = InterviewNote.objects.filter(wave=wave, pk=note_id).first()
    if note is None:
        raise ProgrammeNotFound("No such interview notes in this wave.")
    return note


def coding_source(*, viewer: Any, wave: Wave, record: Answer | InterviewNote) -> CodingSource:
    """What the coding page shows of one answer or note, and which answer comes next."""
    require_lead(viewer=viewer, programme=wave.programme)
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


def review_counts(*, viewer: Any, wave: Wave) -> dict[str, int]:
    require_lead(viewer=viewer, programme=wave.programme)
    counts = dict(
        Excerpt.objects.filter(wave=wave)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in ReviewStatus.values}


def excerpts_for_review(*, viewer: Any, wave: Wave, status: str) -> list[ReviewExcerpt]:
    """Excerpts in one review state, each with the redacted version a report would quote."""
    require_lead(viewer=viewer, programme=wave.programme)
    paths = code_paths(programme=wave.programme)
    redactor = redactor_for(programme=wave.programme)
    questions = {item.id: item.text for item in wave.instrument.open_items}
    excerpts = (
        Excerpt.objects.filter(wave=wave, status=status)
        .select_related("interview_note")
        .prefetch_related("assignments")
        .order_by("id")
    )
    answer_items = dict(
        Answer.objects.filter(excerpts__wave=wave)
        .order_by()
        .values_list("pk", "item_id")
        .distinct()
    )
    rows = []
    for excerpt in excerpts:
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
                release_text=(
                    excerpt.redacted_text
                    if excerpt.status == ReviewStatus.APPROVED
                    else redactor.redact(excerpt.text)
                ),
                status=excerpt.status,
                status_label=excerpt.get_status_display(),
                codes=tuple(sorted(paths[a.code_id] for a in excerpt.assignments.all())),
                reviewed_at=excerpt.reviewed_at,
            )
        )
    return rows


def excerpt_for(*, viewer: Any, wave: Wave, excerpt_id: int) -> Excerpt:
    require_lead(viewer=viewer, programme=wave.programme)
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
    """Suggestions waiting for a decision, each with the texts of its answers (no identity)."""
    require_lead(viewer=viewer, programme=wave.programme)
    suggestions = list(
        ThemeSuggestion.objects.filter(wave=wave, status=SuggestionStatus.PENDING).order_by("id")
    )
    texts = dict(_open_answers(wave).values_list("pk", "text"))
    return [
        SuggestionView(
            id=suggestion.pk,
            terms=tuple(suggestion.terms),
            label=", ".join(suggestion.terms[:3]),
            answers=tuple(
                sorted((texts[pk] for pk in suggestion.answer_ids if pk in texts), key=str.casefold)
            ),
        )
        for suggestion in suggestions
    ]


def theme_suggestion_for(*, viewer: Any, wave: Wave, suggestion_id: int) -> ThemeSuggestion:
    require_lead(viewer=viewer, programme=wave.programme)
    suggestion = ThemeSuggestion.objects.filter(
        wave=wave, pk=suggestion_id, status=SuggestionStatus.PENDING
    ).first()
    if suggestion is None:
        raise ProgrammeNotFound("No such suggestion waiting for a decision.")
    return suggestion


def uncoded_answer_count(*, viewer: Any, wave: Wave) -> int:
    require_lead(viewer=viewer, programme=wave.programme)
    return uncoded_answers(wave=wave).count()


def uncoded_answers(*, wave: Wave) -> QuerySet[Answer]:
    """Open answers with no coded excerpt yet: what theme suggestions group.

    No viewer: for services, which are reached only through views that checked the lead.
    """
    return _open_answers(wave).exclude(excerpts__assignments__isnull=False).order_by("pk")


# ---------------------------------------------------------------------------------------------
# For reports (see the module docstring)
# ---------------------------------------------------------------------------------------------


def wave_respondents(*, wave: Wave) -> int:
    return wave.invitations.filter(status=InvitationStatus.SUBMITTED).count()


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
    k_text = wave.programme.min_text_group_size
    respondents = wave_respondents(wave=wave)
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
    paths = code_paths(programme=wave.programme)
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
            text=excerpt.redacted_text,
            codes=tuple(sorted(paths[a.code_id] for a in excerpt.assignments.all())),
        )
        for excerpt in excerpts
    ]
    released.sort(
        key=lambda e: (
            e.source != "answer",
            order.get(e.item_id, 0),
            e.text.casefold(),
            e.excerpt_id,
        )
    )
    return ExcerptRelease(released, respondents=respondents, k_text=k_text)


def _coded_units(wave: Wave, *, approved_only: bool) -> list[CodedUnit]:
    """Every submitted response and every interview of the wave, with the codes found in it."""
    statuses = (
        [ReviewStatus.APPROVED] if approved_only else [ReviewStatus.APPROVED, ReviewStatus.PENDING]
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
        for pk, profession in wave.invitations.filter(
            status=InvitationStatus.SUBMITTED
        ).values_list("pk", "participant__person__profession")
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
    respondents: tuple[Cell, ...]  # responses and interviews per group
    respondents_total: Cell
    rows: tuple[FrequencyRow, ...] = field(default_factory=tuple)


def code_frequencies(*, wave: Wave, approved_only: bool = True) -> CodeFrequencies:
    """How many responses and interviews carry each code, by profession, suppressed for k."""
    k = wave.programme.min_group_size
    nodes = flatten(code_nodes(wave.programme))
    units = _coded_units(wave, approved_only=approved_only)
    table = frequency_tables(
        units,
        k=k,
        codes=[str(node.id) for node in nodes],
        groups=[value for value, _ in PROFESSION_GROUPS],
    ).get(str(wave.pk))
    labels = dict(PROFESSION_GROUPS)
    if table is None:
        return CodeFrequencies(
            wave=wave,
            k=k,
            approved_only=approved_only,
            groups=(),
            respondents=(),
            respondents_total=Cell(count=None, reason="no responses"),
        )
    paths = {str(node.id): node.path for node in nodes}
    return CodeFrequencies(
        wave=wave,
        k=k,
        approved_only=approved_only,
        groups=tuple((group, labels.get(group, group)) for group in table.groups),
        respondents=tuple(table.respondents[group] for group in table.groups),
        respondents_total=table.respondents_total,
        rows=tuple(
            FrequencyRow(
                code_id=int(row.code),
                label=paths[row.code],
                cells=tuple(row.cells[group] for group in table.groups),
                total=row.total,
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


def code_cooccurrence(*, wave: Wave, approved_only: bool = True) -> CodeCooccurrence:
    """Pairs of codes in the same response or interview, with how many; fewer than k hidden."""
    k = wave.programme.min_group_size
    nodes = flatten(code_nodes(wave.programme))
    paths = {str(node.id): node.path for node in nodes}
    pairs = cooccurrence_table(
        _coded_units(wave, approved_only=approved_only),
        k=k,
        codes=[str(node.id) for node in nodes],
    ).get(str(wave.pk), ())
    return CodeCooccurrence(
        wave=wave,
        k=k,
        rows=tuple(
            CooccurrenceRow(
                first_id=int(pair.first),
                first=paths[pair.first],
                second_id=int(pair.second),
                second=paths[pair.second],
                cell=pair.cell,
            )
            for pair in pairs
        ),
    )
