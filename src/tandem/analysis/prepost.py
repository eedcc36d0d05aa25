"""Before/after comparison of two waves of the same instrument (docs/methods.md, "Before/after").

The main analysis is on matched people (a score on the scale in both waves): paired t-test, the
Wilcoxon signed-rank test, d_z and g_av, Holm-adjusted across the scales compared together, and a
verdict in plain English. People seen in one wave only are reported in an attrition table and
compared between waves as a sensitivity check (Welch t, Mann–Whitney).

Differences are always after − before, so a positive difference is a rise in the score. Scales are
scored so that higher is better (reverse-keyed items are recoded first), which is why a rise is
called "improved".
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from tandem.analysis._frames import describe_row, numeric_columns, require_columns
from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.groups import GroupComparison, compare_groups

Verdict = Literal["improved", "declined", "no clear evidence of change"]

ALPHA = 0.05
MIN_MATCHED = 2
# Scale scores are means of whole numbers, but after − before in floating point can differ in the
# last bit for equal changes (10/3 − 3 ≠ 13/3 − 4). Rounding to 9 decimals makes equal changes
# tie in the Wilcoxon ranks, as they do on paper; no real difference between scores is that small.
_DIFFERENCE_DECIMALS = 9


@dataclass(frozen=True)
class Attrition:
    """How many people were seen in the first wave only, the second only, and both."""

    before_only: int
    after_only: int
    both: int


@dataclass(frozen=True)
class UnmatchedCheck:
    """Sensitivity check on people with a score in one wave only.

    `comparison` compares after-only (group a) with before-only (group b) people, so its t and g
    point the same way as the matched change. None, with `reason`, when either group has
    fewer than 2 people.
    """

    n_before_only: int
    n_after_only: int
    comparison: GroupComparison | None
    reason: str | None


@dataclass(frozen=True)
class ScaleChange:
    """The change on one scale between two waves, for the people matched on that scale.

    Means and SDs are over matched people. `df` = n_matched − 1. Statistics that cannot be
    computed are None and `notes` says why: everything when fewer than 2 people are matched;
    t, p, CI and d_z when every matched person changed by the same amount; the Wilcoxon p when
    every difference is zero; g_av with fewer than 3 matched people.
    """

    scale: str
    n_matched: int
    mean_before: float | None
    mean_after: float | None
    sd_before: float | None
    sd_after: float | None
    mean_diff: float | None
    sd_diff: float | None
    ci_low: float | None
    ci_high: float | None
    t: float | None
    df: int | None
    p: float | None
    p_holm: float | None
    wilcoxon_p: float | None
    d_z: float | None
    g_av: float | None
    verdict: Verdict
    sentence: str
    notes: tuple[str, ...]
    attrition: Attrition
    unmatched: UnmatchedCheck


@dataclass(frozen=True)
class PrePostResult:
    """Every scale's change, plus attrition by person (present in the wave at all)."""

    scales: tuple[ScaleChange, ...]
    attrition: Attrition

    def scale(self, scale_id: str) -> ScaleChange:
        """The result for one scale, by id."""
        for change in self.scales:
            if change.scale == scale_id:
                return change
        raise KeyError(scale_id)


@dataclass(frozen=True)
class _Paired:
    n: int
    mean_before: float | None = None
    mean_after: float | None = None
    sd_before: float | None = None
    sd_after: float | None = None
    mean_diff: float | None = None
    sd_diff: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    t: float | None = None
    df: int | None = None
    p: float | None = None
    wilcoxon_p: float | None = None
    d_z: float | None = None
    g_av: float | None = None
    notes: tuple[str, ...] = ()


def g_av_correction(n: int) -> float:
    """J = 1 − 3 / (4(n − 1) − 1), the small-sample correction for g_av (docs/methods.md; Lakens 2013)."""
    return 1.0 - 3.0 / (4.0 * (n - 1) - 1.0)


def _paired(before: np.ndarray, after: np.ndarray, level: float = 0.95) -> _Paired:
    n = int(before.size)
    if n < MIN_MATCHED:
        return _Paired(
            n=n,
            notes=(
                f"Only {n} {'person has' if n == 1 else 'people have'} a score in both waves; "
                f"at least {MIN_MATCHED} are needed.",
            ),
        )
    difference = after - before
    mean_diff = float(difference.mean())
    sd_diff = float(difference.std(ddof=1))
    sd_before, sd_after = float(before.std(ddof=1)), float(after.std(ddof=1))
    notes: list[str] = []
    rounded = np.round(difference, _DIFFERENCE_DECIMALS)

    t = p = ci_low = ci_high = d_z = None
    if np.ptp(rounded) > 0:
        # Same computation as R t.test(after, before, paired = TRUE).
        paired_t = stats.ttest_rel(after, before)
        interval = paired_t.confidence_interval(level)
        t, p = float(paired_t.statistic), float(paired_t.pvalue)
        ci_low, ci_high = float(interval.low), float(interval.high)
        d_z = mean_diff / sd_diff
    else:
        notes.append(
            "Every matched person's score changed by the same amount, so the paired t-test, "
            "its confidence interval and d_z are undefined."
        )

    wilcoxon_p = None
    if np.any(rounded != 0):
        signed_rank = stats.wilcoxon(rounded, zero_method="wilcox", alternative="two-sided")
        wilcoxon_p = float(signed_rank.pvalue)
    else:
        notes.append("Every difference is zero, so the Wilcoxon signed-rank test is undefined.")

    g_av = None
    average_sd = (sd_before + sd_after) / 2.0
    if n < 3:
        notes.append("g_av needs at least 3 matched people (its correction factor is 0 at n = 2).")
    elif average_sd > 0:
        g_av = mean_diff / average_sd * g_av_correction(n)
    else:
        notes.append("g_av is undefined: no one's score varied in either wave.")

    return _Paired(
        n=n,
        mean_before=float(before.mean()),
        mean_after=float(after.mean()),
        sd_before=sd_before,
        sd_after=sd_after,
        mean_diff=mean_diff,
        sd_diff=sd_diff,
        ci_low=ci_low,
        ci_high=ci_high,
        t=t,
        df=n - 1,
        p=p,
        wilcoxon_p=wilcoxon_p,
        d_z=d_z,
        g_av=g_av,
        notes=tuple(notes),
    )


def _number(value: float) -> str:
    text = f"{value:.2f}"
    if text in {"-0.00", "0.00"}:
        return "0.00"
    return text.replace("-", "−")


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def verdict_for(
    mean_diff: float | None,
    ci_low: float | None,
    ci_high: float | None,
    p_holm: float | None,
    n_scales_tested: int = 1,
) -> tuple[Verdict, str]:
    """The verdict and the sentence that explains it (docs/methods.md, "Verdict wording").

    "improved" / "declined" only when the Holm-adjusted p < 0.05 (direction by the sign of the
    mean difference); otherwise "no clear evidence of change". The sentence always quotes the
    mean difference and its 95% CI, and never says "significant".
    """
    if mean_diff is None:
        return "no clear evidence of change", (
            "No clear evidence of change: too few people answered in both waves to estimate it."
        )
    if ci_low is None or ci_high is None or p_holm is None:
        if mean_diff == 0:
            return "no clear evidence of change", "No change: no matched person's score changed."
        return "no clear evidence of change", (
            "Change cannot be tested: every matched person's score changed by exactly "
            f"{_number(mean_diff)}."
        )
    estimate = (
        f"the mean difference was {_number(mean_diff)} "
        f"(95% CI {_number(ci_low)} to {_number(ci_high)}"
    )
    if p_holm < ALPHA and mean_diff != 0:
        verdict: Verdict = "improved" if mean_diff > 0 else "declined"
        return verdict, f"{verdict.capitalize()}: {estimate}; Holm-adjusted {_p_text(p_holm)})."
    if ci_low > 0 or ci_high < 0:
        return "no clear evidence of change", (
            f"No clear evidence of change once the {n_scales_tested} scales compared together "
            f"are allowed for: {estimate}; Holm-adjusted {_p_text(p_holm)})."
        )
    return "no clear evidence of change", f"No clear evidence of change: {estimate})."


def _unmatched(before_only: np.ndarray, after_only: np.ndarray) -> UnmatchedCheck:
    if before_only.size < 2 or after_only.size < 2:
        return UnmatchedCheck(
            n_before_only=int(before_only.size),
            n_after_only=int(after_only.size),
            comparison=None,
            reason="Fewer than 2 people answered in only one of the waves, so the unmatched "
            "groups are not compared.",
        )
    return UnmatchedCheck(
        n_before_only=int(before_only.size),
        n_after_only=int(after_only.size),
        comparison=compare_groups(after_only, before_only),
        reason=None,
    )


def _check_scales(scales: Sequence[str]) -> list[str]:
    names = [str(scale) for scale in scales]
    if not names:
        raise AnalysisInputError("No scales were given to compare.")
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise AnalysisInputError(f"Scale {duplicated[0]!r} is listed more than once.")
    return names


def _check_unique_people(frame: pd.DataFrame, wave: str) -> None:
    duplicated = frame.index[frame.index.duplicated()]
    if len(duplicated):
        raise AnalysisInputError(
            f"Person {duplicated[0]!r} appears more than once in the {wave} wave."
        )


def holm_adjusted(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p values, as statsmodels `multipletests(method="holm")[1]`.

    p₍ᵢ₎ sorted ascending: adjusted p₍ᵢ₎ = min(1, maxⱼ≤ᵢ (m − j + 1) p₍ⱼ₎), in the input's order.
    Written out because statsmodels 0.15 runs a full `gc.collect()` inside every Holm call, which
    cost a report page 120 ms; tests/analysis check it against statsmodels itself.
    """
    p = np.asarray(p, dtype=np.float64)
    order = np.argsort(p, kind="mergesort")
    m = len(p)
    stepped = np.maximum.accumulate(p[order] * np.arange(m, 0, -1))
    adjusted = np.empty(m, dtype=np.float64)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def prepost(before: pd.DataFrame, after: pd.DataFrame, scales: Sequence[str]) -> PrePostResult:
    """Matched before/after change on each scale, with Holm adjustment across them.

    `before` and `after` hold scale scores (one column per scale, NaN for no score), indexed by
    person id, one row per person. For each scale, over the n people with a score in both waves:
    - mean difference (after − before) with its 95% CI and the paired t-test, t = d̄ / (s_d/√n),
      df = n − 1, two-sided p (scipy `ttest_rel`, R `t.test(paired = TRUE)`);
    - Wilcoxon signed-rank p, two-sided, zero differences dropped (scipy `wilcoxon`,
      zero_method="wilcox", default exact/normal choice);
    - d_z = d̄ / s_d; g_av = d̄ / ((s_before + s_after) / 2) · J, J = 1 − 3/(4(n − 1) − 1);
    - p_holm: paired-t p values Holm-adjusted across the scales that have one (statsmodels
      `multipletests(method="holm")`); verdict and sentence from `verdict_for`.
    Attrition counts people by presence in each wave (overall) and by having a score (per scale).
    """
    names = _check_scales(scales)
    require_columns(before, names, what="before-wave scores")
    require_columns(after, names, what="after-wave scores")
    _check_unique_people(before, "before")
    _check_unique_people(after, "after")
    people = before.index.union(after.index, sort=False)
    before_scores = numeric_columns(before, names).reindex(people).to_numpy(dtype=np.float64)
    after_scores = numeric_columns(after, names).reindex(people).to_numpy(dtype=np.float64)
    in_before = people.isin(before.index)
    in_after = people.isin(after.index)
    overall = Attrition(
        before_only=int((in_before & ~in_after).sum()),
        after_only=int((in_after & ~in_before).sum()),
        both=int((in_before & in_after).sum()),
    )

    paired_results: list[_Paired] = []
    attritions: list[Attrition] = []
    unmatched_checks: list[UnmatchedCheck] = []
    for column in range(len(names)):
        b, a = before_scores[:, column], after_scores[:, column]
        has_before, has_after = ~np.isnan(b), ~np.isnan(a)
        matched = has_before & has_after
        only_before, only_after = has_before & ~has_after, has_after & ~has_before
        paired_results.append(_paired(b[matched], a[matched]))
        attritions.append(
            Attrition(
                before_only=int(only_before.sum()),
                after_only=int(only_after.sum()),
                both=int(matched.sum()),
            )
        )
        unmatched_checks.append(_unmatched(b[only_before], a[only_after]))

    # Holm rather than Bonferroni: the same family-wise guarantee, more power across ~12 scales.
    tested = [i for i, result in enumerate(paired_results) if result.p is not None]
    adjusted: dict[int, float] = {}
    if tested:
        raw = np.array([paired_results[i].p for i in tested], dtype=np.float64)
        holm = holm_adjusted(raw)
        adjusted = {i: float(value) for i, value in zip(tested, holm, strict=True)}

    changes = []
    for i, (name, result) in enumerate(zip(names, paired_results, strict=True)):
        p_holm = adjusted.get(i)
        verdict, sentence = verdict_for(
            result.mean_diff, result.ci_low, result.ci_high, p_holm, n_scales_tested=len(tested)
        )
        changes.append(
            ScaleChange(
                scale=name,
                n_matched=result.n,
                mean_before=result.mean_before,
                mean_after=result.mean_after,
                sd_before=result.sd_before,
                sd_after=result.sd_after,
                mean_diff=result.mean_diff,
                sd_diff=result.sd_diff,
                ci_low=result.ci_low,
                ci_high=result.ci_high,
                t=result.t,
                df=result.df,
                p=result.p,
                p_holm=p_holm,
                wilcoxon_p=result.wilcoxon_p,
                d_z=result.d_z,
                g_av=result.g_av,
                verdict=verdict,
                sentence=sentence,
                notes=result.notes,
                attrition=attritions[i],
                unmatched=unmatched_checks[i],
            )
        )
    return PrePostResult(scales=tuple(changes), attrition=overall)


def _person_in(person_of: dict[Hashable, str]) -> Callable[[Hashable], str]:
    def describe(label: Hashable) -> str:
        return f"person {person_of[label]!r}"

    return describe


def _wave_rows(data: pd.DataFrame, wave_col: str, wave: str) -> pd.DataFrame:
    labels = data[wave_col].astype("string").str.strip()
    rows = data.loc[(labels == wave).fillna(False).to_numpy(dtype=bool)]
    if rows.empty:
        found = ", ".join(repr(str(v)) for v in labels.dropna().unique()[:10]) or "none"
        raise AnalysisInputError(
            f"No rows have wave {wave!r} in column {wave_col!r}. Waves found: {found}."
        )
    return rows


def prepost_long(
    data: pd.DataFrame,
    id_col: str,
    wave_col: str,
    before: str,
    after: str,
    scales: Sequence[str],
    *,
    row_label: Callable[[Hashable], str] = describe_row,
) -> PrePostResult:
    """`prepost` on long data: one row per person per wave, one column per scale score.

    Checks, each raising `AnalysisInputError` with a message naming the problem: every named
    column exists; the two waves differ and both have rows (wave labels are compared as text, so
    1 and "1" match); every row of those waves has a person id; no person appears twice in one
    wave; every score is a number or blank; at least one scale has 2 or more matched people.
    Rows of other waves are ignored. `row_label` names a row in messages (the CLI passes line
    numbers of the file).
    """
    names = _check_scales(scales)
    require_columns(data, [id_col, wave_col, *names])
    before_label, after_label = str(before).strip(), str(after).strip()
    if before_label == after_label:
        raise AnalysisInputError(f"The before and after waves are both {before_label!r}.")

    frames: list[pd.DataFrame] = []
    for wave in (before_label, after_label):
        rows = _wave_rows(data, wave_col, wave)
        ids = rows[id_col].astype("string").str.strip()
        blank = (ids.isna() | (ids == "")).to_numpy(dtype=bool)
        if blank.any():
            raise AnalysisInputError(
                f"Column {id_col!r}, {row_label(rows.index[int(np.flatnonzero(blank)[0])])}: "
                "the person id is blank."
            )
        repeated = ids[ids.duplicated()]
        if len(repeated):
            raise AnalysisInputError(
                f"Person {str(repeated.iloc[0])!r} appears more than once in wave {wave!r} "
                f"(column {wave_col!r})."
            )
        scores = numeric_columns(
            rows,
            names,
            row_label=row_label,
            extra=_person_in(dict(zip(rows.index, ids, strict=True))),
        )
        frames.append(scores.set_axis(pd.Index(ids.to_numpy(dtype=object)), axis=0))

    result = prepost(frames[0], frames[1], names)
    if all(change.n_matched < MIN_MATCHED for change in result.scales):
        counts = ", ".join(f"{change.scale}: {change.n_matched}" for change in result.scales)
        raise AnalysisInputError(
            f"Fewer than {MIN_MATCHED} people have a score in both waves {before_label!r} and "
            f"{after_label!r} on every scale ({counts})."
        )
    return result
