"""Qualitative coding: theme suggestions and coding summaries (no Django).

Each a pure function over plain data:

- **Redaction** lives in `tandem.analysis.redaction` (re-exported here, where callers first found
  it): people, contact details, NHS numbers, dates and postcodes out of a text before it is
  quoted, exported or used for a theme label.
- **Theme suggestions** (`suggest_themes`): groups of answers that share vocabulary, from TF-IDF
  (scikit-learn, English stop words) and k-means with a fixed seed, the number of groups chosen by
  the silhouette (Rousseeuw 1987) on cosine distances. Offline, no model download; reproducible.
  Given a redactor, the texts are redacted before they are grouped, so no name, number or
  contact detail can become a term of a label.
- **Summaries** (`code_frequencies`, `code_cooccurrence`): how many respondents' answers carry each
  code, by group (profession) and wave, and how often two codes occur in the same response, with
  the anonymity rules of docs/methods.md applied through `tandem.analysis.anonymity`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Generic, TypeVar

import numpy as np

from tandem.analysis.anonymity import (
    BREAKDOWN_COLUMN,
    Position,
    SuppressedTable,
    check_k,
    suppress_breakdown,
    suppress_table,
)

# Re-exported: redaction was first written here, and callers import it from here.
from tandem.analysis.redaction import (
    EMAIL_PLACEHOLDER as EMAIL_PLACEHOLDER,
)
from tandem.analysis.redaction import (
    NAME_PLACEHOLDER as NAME_PLACEHOLDER,
)
from tandem.analysis.redaction import (
    PHONE_PLACEHOLDER as PHONE_PLACEHOLDER,
)
from tandem.analysis.redaction import (
    TITLES as TITLES,
)
from tandem.analysis.redaction import (
    NameRedactor as NameRedactor,
)
from tandem.analysis.redaction import (
    RedactedText as RedactedText,
)
from tandem.analysis.redaction import (
    RedactionSpan as RedactionSpan,
)
from tandem.analysis.redaction import (
    apply_redaction as apply_redaction,
)
from tandem.analysis.redaction import (
    fold_accents as fold_accents,
)
from tandem.analysis.redaction import (
    name_variants as name_variants,
)
from tandem.analysis.redaction import placeholder_free, redacted_name_words
from tandem.analysis.redaction import (
    redact as redact,
)
from tandem.analysis.redaction import (
    redaction_spans as redaction_spans,
)

K = TypeVar("K", bound=Hashable)

# ---------------------------------------------------------------------------------------------
# Theme suggestions
# ---------------------------------------------------------------------------------------------

DEFAULT_MAX_THEMES = 8
DEFAULT_TOP_TERMS = 5


@dataclass(frozen=True)
class ThemeSuggestion(Generic[K]):
    """A group of texts that share vocabulary: a candidate code for the analyst to accept or not."""

    terms: tuple[str, ...]
    member_ids: tuple[K, ...]
    # Mean silhouette of the whole clustering (None when there was nothing to choose between).
    silhouette: float | None = None

    @property
    def label(self) -> str:
        return ", ".join(self.terms[:3])


def _analyzer_tokens(words: Iterable[str]) -> set[str]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyse = TfidfVectorizer(strip_accents="unicode").build_analyzer()
    tokens: set[str] = set()
    for word in words:
        tokens.update(analyse(word))
    return tokens


# Words of two letters or more, no digits: a number is never a theme ("07700, 900123" was a label
# made of a phone number's digits), and numbers do not make answers alike either.
TERM_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"


def label_term_allowed(term: str, redactor: NameRedactor | None = None) -> bool:
    """Whether a term may label a theme: a word without digits that is not a person's name."""
    if any(char.isdigit() for char in term) or " " in term:
        return False
    return redactor is None or not redactor.is_name_term(term)


def _top_terms(
    weights: np.ndarray, vocabulary: np.ndarray, count: int, redactor: NameRedactor | None
) -> tuple[str, ...]:
    # Single words only: word pairs sharpen the grouping, but as labels they repeat the words
    # ("agree, agree decides, decides"). Ties broken alphabetically, so that the label does not
    # depend on floating-point noise.
    order = sorted(
        (
            i
            for i in range(len(vocabulary))
            if weights[i] > 0 and label_term_allowed(str(vocabulary[i]), redactor)
        ),
        key=lambda i: (-round(float(weights[i]), 12), str(vocabulary[i])),
    )
    return tuple(str(vocabulary[i]) for i in order[:count])


def suggest_themes(
    texts: Mapping[K, str] | Sequence[tuple[K, str]],
    *,
    max_themes: int = DEFAULT_MAX_THEMES,
    min_members: int = 2,
    top_terms: int = DEFAULT_TOP_TERMS,
    seed: int = 0,
    extra_stop_words: Iterable[str] = (),
    redactor: NameRedactor | None = None,
) -> list[ThemeSuggestion[K]]:
    """Candidate themes among short texts: TF-IDF + k-means, k chosen by silhouette.

    - Vectors: TF-IDF of words and word pairs (scikit-learn `TfidfVectorizer`, English stop
      words plus `extra_stop_words`, e.g. people's names; sublinear tf; rows L2-normalised, so
      Euclidean k-means groups by cosine similarity).
    - Number of themes: k from 2 to min(`max_themes`, n // 2, distinct texts), the one with the
      highest mean silhouette on cosine distances (ties to the smaller k). With n // 2 < 2 (fewer
      than four texts) there is nothing to choose, and the texts form one group.
    - k-means with `random_state=seed` and 10 starts: the same input gives the same themes.
    - Groups with fewer than `min_members` texts are dropped (one answer is not a theme); texts
      with no words left after stop words are left out. Themes are ordered largest first.
    - Terms: the single words with the highest weights in the group's mean TF-IDF vector. Words
      are letters only (`TERM_PATTERN`): no number is ever a term.
    - With a `redactor`, each text is redacted first and its placeholders dropped, and every word
      the redactor took out of any text as a name (or that names a person it knows) is a stop
      word everywhere, so "smith" in "smith agreed" is not a term either because "Dr Smith" was
      redacted elsewhere; terms that are names on the redactor's lists are skipped
      (`label_term_allowed`).

    Handles 0, 1 and 2 texts: no themes, no themes (below `min_members`), one theme.
    """
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
    from sklearn.metrics import silhouette_score

    pairs = list(texts.items()) if isinstance(texts, Mapping) else list(texts)
    pairs = [(key, text) for key, text in pairs if text and text.strip()]
    if len(pairs) < max(min_members, 1):
        return []
    extra = set(_analyzer_tokens(extra_stop_words))
    if redactor is not None:
        redacted_pairs = []
        for key, text in pairs:
            spans = redactor.spans(text)
            extra |= _analyzer_tokens(redacted_name_words(text, spans))
            redacted_pairs.append((key, placeholder_free(apply_redaction(text, spans).text)))
        pairs = redacted_pairs
        extra |= _analyzer_tokens(redactor.known_words)
    stop_words = sorted(set(ENGLISH_STOP_WORDS) | extra)
    vectorizer = TfidfVectorizer(
        stop_words=stop_words,
        strip_accents="unicode",
        sublinear_tf=True,
        ngram_range=(1, 2),
        token_pattern=TERM_PATTERN,
    )
    try:
        matrix = vectorizer.fit_transform([text for _, text in pairs])
    except ValueError:
        # Only stop words (or nothing) in every text: no vocabulary to group by.
        return []
    dense = np.asarray(matrix.toarray())
    keep = np.flatnonzero(dense.sum(axis=1) > 0)
    if len(keep) < max(min_members, 1):
        return []
    dense = dense[keep]
    ids = [pairs[i][0] for i in keep]
    vocabulary = vectorizer.get_feature_names_out()
    distinct = len({row.tobytes() for row in np.round(dense, 12)})
    largest_k = min(max_themes, len(ids) // 2, distinct)

    labels = np.zeros(len(ids), dtype=int)
    best_score: float | None = None
    if largest_k >= 2:
        for k in range(2, largest_k + 1):
            candidate = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(dense)
            if len(set(candidate.tolist())) < 2:
                continue
            score = float(silhouette_score(dense, candidate, metric="cosine"))
            if best_score is None or score > best_score + 1e-12:
                best_score, labels = score, candidate

    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(index)
    suggestions = [
        ThemeSuggestion(
            terms=_top_terms(dense[members].mean(axis=0), vocabulary, top_terms, redactor),
            member_ids=tuple(ids[i] for i in members),
            silhouette=None if best_score is None else round(best_score, 6),
        )
        for members in sorted(groups.values(), key=lambda m: (-len(m), m[0]))
        if len(members) >= min_members
    ]
    return suggestions


# ---------------------------------------------------------------------------------------------
# Summaries with k-suppression
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodedUnit:
    """One respondent's response to a wave (or one interview) and the codes found anywhere in it.

    Every respondent is a unit, including those with no codes: they count in their group's size.
    """

    unit_id: str
    wave: str
    group: str
    codes: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Cell:
    """One number for a page: the count when it may be shown, otherwise why it is hidden."""

    count: int | None
    reason: str | None = None

    @property
    def shown(self) -> bool:
        return self.count is not None

    @classmethod
    def from_table(cls, table: SuppressedTable, position: Position) -> Cell:
        reason = table.reason(position)
        return cls(count=table.count(position), reason=None if reason is None else str(reason))


@dataclass(frozen=True)
class CodeFrequencyRow:
    code: str
    cells: Mapping[str, Cell]  # group → respondents whose response carries the code
    total: Cell  # respondents in any group whose response carries the code


# The row of group sizes in the suppressed grid: a name no code id can take (ids are plain text
# chosen by the caller, never starting with a NUL).
RESPONDENTS_ROW = "\x00respondents"


@dataclass(frozen=True)
class CodeFrequencyTable:
    """One wave's code frequencies by group, after suppression.

    `respondents` are the group sizes (with their total) the frequencies are counted over.
    `suppressed` is the grid behind every number: `Position.cell(code, group)` and
    `Position.row_total(code)` for the codes, the same with `RESPONDENTS_ROW` for the sizes (for
    callers that put the positions through the disclosure ledger).
    """

    wave: str
    k: int
    groups: tuple[str, ...]
    respondents: Mapping[str, Cell]
    respondents_total: Cell
    rows: tuple[CodeFrequencyRow, ...]
    suppressed: SuppressedTable | None = field(default=None, compare=False, repr=False)


def _ordered(present: Iterable[str], preferred: Sequence[str] | None) -> list[str]:
    present_set = set(present)
    order = [g for g in (preferred or ()) if g in present_set]
    return order + sorted(present_set - set(order))


def code_frequency_table(
    units: Iterable[CodedUnit],
    *,
    k: int,
    wave: str = "",
    codes: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    forced_hidden: Iterable[Position] = (),
) -> CodeFrequencyTable | None:
    """The frequency table of one wave's units (None when there are none); see `code_frequencies`.

    `forced_hidden` positions (of `CodeFrequencyTable.suppressed`) are hidden from outside, e.g.
    by the disclosure ledger, and protected by complementary suppression like any other.
    """
    check_k(k)
    members = list(units)
    if not members:
        return None
    wave_groups = _ordered((unit.group for unit in members), groups)
    sizes = Counter(unit.group for unit in members)
    used = {code for unit in members for code in unit.codes}
    rows = [code for code in codes if code in used] if codes is not None else sorted(used)
    counts: dict[tuple[str, str], int] = {
        (RESPONDENTS_ROW, group): sizes[group] for group in wave_groups
    }
    for code in rows:
        for group in wave_groups:
            counts[(code, group)] = sum(
                1 for unit in members if unit.group == group and code in unit.codes
            )
    # One grid, each row with its total and no column totals: the rows share no margin, so this
    # is the same as suppressing each code's row, and the group sizes as a breakdown, apart.
    table = suppress_table(
        counts, k=k, column_totals=False, grand_total=False, forced_hidden=forced_hidden
    )
    return CodeFrequencyTable(
        wave=wave,
        k=k,
        groups=tuple(wave_groups),
        respondents={
            group: Cell.from_table(table, Position.cell(RESPONDENTS_ROW, group))
            for group in wave_groups
        },
        respondents_total=Cell.from_table(table, Position.row_total(RESPONDENTS_ROW)),
        rows=tuple(
            CodeFrequencyRow(
                code=code,
                cells={
                    group: Cell.from_table(table, Position.cell(code, group))
                    for group in wave_groups
                },
                total=Cell.from_table(table, Position.row_total(code)),
            )
            for code in rows
        ),
        suppressed=table,
    )


def code_frequencies(
    units: Iterable[CodedUnit],
    *,
    k: int,
    codes: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
) -> dict[str, CodeFrequencyTable]:
    """For each wave: how many respondents in each group have each code, suppressed for k.

    A count is of respondents (units), not excerpts: a person who makes the same point three
    times counts once. The cells of one code are the parts of that code's row total (shown), so
    `suppress_table` applies primary suppression (n < k, zeros included) and complementary
    suppression along each row; a cell can only be shown when its group has at least k
    respondents, because the count cannot exceed the group size. Column totals are not shown:
    one response can carry several codes, so they would not be counts of people. The group sizes
    are suppressed as a breakdown with its total.

    `codes` fixes which codes are rows and in what order (default: those used, sorted);
    `groups` the order of the groups (only groups with respondents in the wave appear).
    """
    check_k(k)
    by_wave: dict[str, list[CodedUnit]] = {}
    for unit in units:
        by_wave.setdefault(unit.wave, []).append(unit)
    tables: dict[str, CodeFrequencyTable] = {}
    for wave, members in by_wave.items():
        table = code_frequency_table(members, k=k, wave=wave, codes=codes, groups=groups)
        if table is not None:
            tables[wave] = table
    return tables


@dataclass(frozen=True)
class CodePair:
    """Two codes found in the same response (or interview), and in how many."""

    first: str
    second: str
    cell: Cell


def code_cooccurrence(
    units: Iterable[CodedUnit], *, k: int, codes: Sequence[str] | None = None
) -> dict[str, tuple[CodePair, ...]]:
    """For each wave: pairs of codes on the same response or interview, with how many, suppressed.

    Only pairs that occur at least once are listed, ordered by `codes` (default: sorted). A
    count below k is hidden (primary suppression through `suppress_breakdown`); the pairs are
    not parts of any total shown (a response carries any number of pairs), so no complementary
    suppression is needed.
    """
    check_k(k)
    order = {code: i for i, code in enumerate(codes)} if codes is not None else None

    def sort_key(code: str) -> tuple[int, str]:
        return (order[code], code) if order is not None else (0, code)

    by_wave: dict[str, Counter[tuple[str, str]]] = {}
    for unit in units:
        present = sorted((c for c in unit.codes if order is None or c in order), key=sort_key)
        by_wave.setdefault(unit.wave, Counter()).update(combinations(present, 2))
    result: dict[str, tuple[CodePair, ...]] = {}
    for wave, pairs in by_wave.items():
        if not pairs:
            result[wave] = ()
            continue
        # In code order, never by count: an order by size would rank the hidden counts.
        keys = sorted(pairs, key=lambda pair: (sort_key(pair[0]), sort_key(pair[1])))
        rows = {f"{i}": pairs[pair] for i, pair in enumerate(keys)}
        table = suppress_breakdown(rows, k=k, total_shown=False)
        result[wave] = tuple(
            CodePair(
                first=pair[0],
                second=pair[1],
                cell=Cell.from_table(table, Position.cell(f"{i}", BREAKDOWN_COLUMN)),
            )
            for i, pair in enumerate(keys)
        )
    return result
