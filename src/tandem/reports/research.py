"""The research data export: a de-identified dataset for a journal or an NHS evaluation team.

What it holds (a ZIP): `scores.csv` and `scores.sav` (SPSS, with variable and value labels) — each
matched person's scale scores in each closed stock take (the programme's people and any comparison
group, marked by `group`), under a random code new for every
export, with profession, level and locality kept only while every combination in every wave holds
at least k people (`tandem.analysis.research`); `kpis.csv`, the programme's KPI series; and
`kpi_impact.csv`, each KPI's interrupted time series result; and `codebook.md`, which says what
every variable means and what was coarsened and why. No names, e-mail addresses, database ids,
free text or coaching data. Unmatched responses (imported without a person) are left out: they
cannot be followed across waves. The programme lead only, and every download is audited.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.research import PersonWave, Release, release
from tandem.analysis.scoring import score_items
from tandem.exports import safe_row
from tandem.programmes.models import Participant, Programme
from tandem.reports.data import wave_data
from tandem.surveys.models import Wave, WaveKind

QUASI_LABELS = {
    "profession": "Profession",
    "level": "Level in the organisation",
    "locality": "Locality",
}


@dataclass
class ResearchExport:
    programme: Programme
    waves: list[Wave]
    release: Release | None
    scale_titles: dict[str, str]
    refused: str | None = None
    # Waves held back whole, with why (the codebook says so).
    withheld: list[str] = field(default_factory=list)


def stock_takes(programme: Programme) -> list[Wave]:
    """The programme's closed stock takes, oldest first (open ones would move)."""
    waves = Wave.objects.filter(
        programme=programme, kind__in=[WaveKind.BASELINE, WaveKind.REPEAT]
    ).order_by("opens_on", "pk")
    return [w for w in waves if w.has_closed()]


def build_research_export(programme: Programme) -> ResearchExport:
    waves = stock_takes(programme)
    if not waves:
        return ResearchExport(
            programme,
            [],
            None,
            {},
            refused="No stock take has closed yet: there is nothing to export.",
        )
    rows: list[PersonWave] = []
    withheld: list[str] = []
    k = programme.min_group_size
    titles: dict[str, str] = {}
    scale_ids: list[str] = []
    participants = {
        p.pk: p
        for p in Participant.objects.filter(programme=programme).select_related(
            "person__service__locality"
        )
    }
    for wave, comparison in ((w, c) for w in waves for c in (False, True)):
        data = wave_data(wave, comparison=comparison)
        for scale in data.instrument.scales.values():
            titles.setdefault(scale.id, scale.title)
        definitions = data.scales
        for definition in definitions:
            if definition.id not in scale_ids:
                scale_ids.append(definition.id)
        if data.items.empty or not definitions:
            continue
        if not comparison and 0 < data.unmatched < k:
            # The wave's feedback report counts its unmatched responses; the export cannot (they
            # belong to no one). Fewer than k of them would be the difference between the two.
            withheld.append(
                f"{wave.title} left out: its feedback report also counts {data.unmatched} "
                f"response(s) imported unmatched, fewer than {k}, which the export cannot hold; "
                "the difference between the two would describe them."
            )
            continue
        scores = score_items(data.items, definitions)
        for key, values in scores.iterrows():
            participant = participants.get(int(key)) if int(key) > 0 else None
            if participant is None:  # unmatched responses belong to no one: left out
                continue
            person = participant.person
            service = person.service
            rows.append(
                PersonWave(
                    person=participant.pk,
                    wave=wave.title,
                    group="comparison" if comparison else "programme",
                    quasi={
                        "profession": person.get_profession_display(),
                        "level": person.get_level_display(),
                        "locality": service.locality.name if service else "",
                    },
                    scores={
                        scale: (None if values[scale] != values[scale] else float(values[scale]))
                        for scale in scores.columns
                    },
                )
            )
    try:
        released = release(rows, scales=scale_ids, k=k)
    except AnalysisInputError as exc:  # too few people in every wave
        return ResearchExport(
            programme, waves, None, titles, refused=" ".join([str(exc), *withheld])
        )
    return ResearchExport(programme, waves, released, titles, withheld=withheld)


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(safe_row(row))
    return buffer.getvalue().encode("utf-8-sig")


def _sav(export: ResearchExport) -> bytes:
    import pandas as pd
    import pyreadstat

    released = export.release
    assert released is not None
    frame = pd.DataFrame(released.rows, columns=released.columns)
    labels: dict[str, str] = {
        "code": "Person (random code, this export only)",
        "wave": "Stock take",
        "group": "Group (the programme's own people, or a comparison group outside it)",
    }
    value_labels: dict[str, dict[int | float, str]] = {}
    for name in released.kept:
        labels[name] = QUASI_LABELS[name]
    for column in ("wave", "group", *released.kept):
        categories = sorted({str(v) for v in frame[column]})
        mapping: dict[int | float, str] = dict(enumerate(categories, start=1))
        value_labels[column] = mapping
        frame[column] = frame[column].map({text: i for i, text in mapping.items()})
    for scale in released.scales:
        labels[scale] = export.scale_titles.get(scale, scale)
        frame[scale] = pd.to_numeric(frame[scale])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scores.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=[labels.get(c, c) for c in frame.columns],
            variable_value_labels=value_labels,
        )
        return path.read_bytes()


def _codebook(export: ResearchExport, kpi_rows: int) -> str:
    released = export.release
    assert released is not None
    lines = [
        f"# Research data export: {export.programme.name}",
        "",
        f"Made {timezone.now():%d %B %Y %H:%M} UTC by Tandem. k = {released.k}: every combination "
        "of the variables below holds at least k people in every stock take.",
        "",
        "## scores.csv and scores.sav (one row per person per stock take)",
        "",
        "- `code`: a random code for the person, the same in every stock take of this export "
        "and different in every other export. It is not derived from anything in Tandem.",
        "- `wave`: the stock take: " + "; ".join(w.title for w in export.waves) + ".",
        "- `group`: `programme` for the programme's own people; `comparison` for colleagues "
        "outside the programme who answered the same stock takes as a comparison group (for a "
        "difference in differences). Never coarsened; a group with fewer than k people in a "
        "stock take is left out of it.",
    ]
    for name in released.kept:
        lines.append(f"- `{name}`: {QUASI_LABELS[name].lower()}.")
    for scale in released.scales:
        lines.append(
            f"- `{scale}`: {export.scale_titles.get(scale, scale)} — the mean of the scale's "
            "answered items (1–5, reverse-keyed items turned round), when at least half were "
            "answered; empty otherwise."
        )
    lines += ["", "## What was left out or coarsened", ""]
    for name, why in released.dropped:
        lines.append(f"- `{name}` dropped: {why}.")
    for wave, people in released.waves_left_out:
        lines.append(f"- {wave} left out: fewer than {released.k} people ({people}).")
    lines += [f"- {why}" for why in export.withheld]
    if not released.dropped and not released.waves_left_out and not export.withheld:
        lines.append("- Nothing: every combination already held at least k people.")
    lines += [
        "- Names, e-mail addresses, job titles, services, free-text answers, interview notes, "
        "coaching records and responses imported without a person are never exported.",
        "",
        "## kpis.csv and kpi_impact.csv",
        "",
        f"- `kpis.csv`: {kpi_rows} values — `service`, `kpi`, `unit`, `period` (the month's "
        "first day or the week's Monday), `value`. Service-level aggregates, not personal data.",
        "- `kpi_impact.csv`: each KPI's interrupted time series at the programme's start "
        f"({export.programme.start_date:%d %B %Y}): `family` (gaussian: least squares with "
        "Newey–West errors; quasipoisson: counts, rate ratios), `n_before`, `n_after`, "
        "`level_change` and its 95% CI and p (link scale), `rate_ratio` and its CI for counts, "
        "`autocorrelated`, or `note` when there were too few values.",
        "",
    ]
    return "\n".join(lines)


def research_zip(export: ResearchExport, *, viewer: Any) -> bytes:
    """The ZIP the lead downloads (see the module's docstring)."""
    from tandem.outcomes.models import KpiValue
    from tandem.outcomes.selectors import programme_impacts, programme_services

    released = export.release
    assert released is not None
    services = programme_services(programme=export.programme)
    values = (
        KpiValue.objects.filter(kpi__service__in=services)
        .select_related("kpi__service")
        .order_by("kpi__service__name", "kpi__name", "period")
    )
    kpi_rows = [
        [v.kpi.service.name, v.kpi.name, v.kpi.unit, v.period.isoformat(), v.value]
        for v in values
        if v.kpi.service is not None
    ]
    impact_rows = []
    for found in programme_impacts(viewer=viewer, programme=export.programme):
        r = found.result
        c = r.level_change if r else None
        impact_rows.append(
            [
                found.kpi.owner_name,
                found.kpi.name,
                found.family,
                r.n_before if r else "",
                r.n_after if r else "",
                c.estimate if c else "",
                c.ci_low if c else "",
                c.ci_high if c else "",
                c.p if c else "",
                c.rate_ratio if c and c.rate_ratio is not None else "",
                c.rate_ratio_ci_low if c and c.rate_ratio_ci_low is not None else "",
                c.rate_ratio_ci_high if c and c.rate_ratio_ci_high is not None else "",
                r.diagnostics.autocorrelated if r else "",
                found.error or "",
            ]
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "scores.csv",
            _csv(
                released.columns,
                [
                    [row[c] if row[c] is not None else "" for c in released.columns]
                    for row in released.rows
                ],
            ),
        )
        archive.writestr("scores.sav", _sav(export))
        archive.writestr("kpis.csv", _csv(["service", "kpi", "unit", "period", "value"], kpi_rows))
        archive.writestr(
            "kpi_impact.csv",
            _csv(
                [
                    "service",
                    "kpi",
                    "family",
                    "n_before",
                    "n_after",
                    "level_change",
                    "ci_low",
                    "ci_high",
                    "p",
                    "rate_ratio",
                    "rate_ratio_ci_low",
                    "rate_ratio_ci_high",
                    "autocorrelated",
                    "note",
                ],
                impact_rows,
            ),
        )
        archive.writestr("codebook.md", _codebook(export, len(kpi_rows)))
    return out.getvalue()
