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

Where things are
----------------
`access` the lead-only rule (read from `programmes.access.Access`) and the closed-wave rule;
`codebook` the codes as a tree; `sources` the wave's answers and interview notes as the lead
codes them; `redaction` what approving would release; `review` the review lists; `themes` the
theme suggestions; `wave_themes` what the report-facing reads share (the people who wrote, the
coded units); `quotations`, `frequencies` and `summary` the three reads for reports and the
lead's summary page. Every public name is importable from here.
"""

from tandem.coding.selectors.access import (
    CodingNotOpenYet,
    SourceKind,
    coding_closed_message,
    require_closed,
    require_lead,
)
from tandem.coding.selectors.codebook import (
    CodeNode,
    code_for,
    code_nodes,
    code_paths,
    code_tree,
    codes_for,
    descendant_ids,
    flatten,
)
from tandem.coding.selectors.frequencies import (
    PROFESSION_GROUPS,
    CodeCooccurrence,
    CodeFrequencies,
    CooccurrenceRow,
    FrequencyRow,
    code_cooccurrence,
    code_frequencies,
)
from tandem.coding.selectors.quotations import (
    ExcerptRelease,
    ReleasedExcerpt,
    released_excerpts,
)
from tandem.coding.selectors.redaction import (
    REDACTION_KINDS,
    ReleasePreview,
    marked_segments,
    redaction_summary,
    redactor_for,
    release_preview,
)
from tandem.coding.selectors.review import (
    ReviewExcerpt,
    excerpt_for,
    excerpts_for_review,
    review_counts,
)
from tandem.coding.selectors.sources import (
    CodingSource,
    ItemAnswers,
    SourceExcerpt,
    answer_ref,
    answer_to_code,
    coding_source,
    coding_wave_for,
    interview_notes_for_coding,
    note_to_code,
    open_answers_for_coding,
    ordered_open_answers,
)
from tandem.coding.selectors.summary import (
    CodingSummary,
    coding_summary,
)
from tandem.coding.selectors.themes import (
    SuggestionView,
    theme_suggestion_for,
    theme_suggestions_for,
    uncoded_answer_count,
    uncoded_answers,
)
from tandem.coding.selectors.wave_themes import (
    OPEN_ANSWERS,
    SURFACE,
    Writers,
    wave_respondents,
)

__all__ = [
    "OPEN_ANSWERS",
    "PROFESSION_GROUPS",
    "REDACTION_KINDS",
    "SURFACE",
    "CodeCooccurrence",
    "CodeFrequencies",
    "CodeNode",
    "CodingNotOpenYet",
    "CodingSource",
    "CodingSummary",
    "CooccurrenceRow",
    "ExcerptRelease",
    "FrequencyRow",
    "ItemAnswers",
    "ReleasePreview",
    "ReleasedExcerpt",
    "ReviewExcerpt",
    "SourceExcerpt",
    "SourceKind",
    "SuggestionView",
    "Writers",
    "answer_ref",
    "answer_to_code",
    "code_cooccurrence",
    "code_for",
    "code_frequencies",
    "code_nodes",
    "code_paths",
    "code_tree",
    "codes_for",
    "coding_closed_message",
    "coding_source",
    "coding_summary",
    "coding_wave_for",
    "descendant_ids",
    "excerpt_for",
    "excerpts_for_review",
    "flatten",
    "interview_notes_for_coding",
    "marked_segments",
    "note_to_code",
    "open_answers_for_coding",
    "ordered_open_answers",
    "redaction_summary",
    "redactor_for",
    "release_preview",
    "released_excerpts",
    "require_closed",
    "require_lead",
    "review_counts",
    "theme_suggestion_for",
    "theme_suggestions_for",
    "uncoded_answer_count",
    "uncoded_answers",
    "wave_respondents",
]
