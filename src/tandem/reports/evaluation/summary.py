"""The evaluation's summary: a line per section, in words, from figures already shown."""

from __future__ import annotations

from tandem.reports.evaluation.report import EvaluationReport, SummaryLine


def _summary(report: EvaluationReport) -> list[SummaryLine]:
    lines: list[SummaryLine] = []
    if report.waves:
        rates = [w.rate for w in report.waves if w.rate is not None]
        if rates:
            lines.append(
                SummaryLine(
                    f"{len(report.waves)} stock takes were run; between {min(rates):.0%} and "
                    f"{max(rates):.0%} of those invited answered.",
                    counts=True,
                )
            )
    if report.comparison is not None:
        improved = [r.title for r in report.comparison.rows if r.verdict == "improved"]
        declined = [r.title for r in report.comparison.rows if r.verdict == "declined"]
        unclear = [
            r.title
            for r in report.comparison.rows
            if not r.hidden and r.verdict not in ("improved", "declined")
        ]
        if improved:
            lines.append(
                SummaryLine(
                    "Clear improvement between the stock takes: " + ", ".join(improved) + "."
                )
            )
        if declined:
            lines.append(
                SummaryLine("Clear decline between the stock takes: " + ", ".join(declined) + ".")
            )
        if unclear:
            lines.append(SummaryLine("No clear evidence of change: " + ", ".join(unclear) + "."))
    if report.coaching is not None:
        c = report.coaching
        lines.append(
            SummaryLine(
                f"{c.people} people had coaching: {c.attended} of {c.planned} planned sessions "
                f"were attended, and {c.completed} people completed all their sessions.",
                counts=True,
            )
        )
    if report.dose.association is not None:
        lines.append(SummaryLine(report.dose.association.sentence))
    if report.network is not None and report.network.sentences:
        lines.append(SummaryLine(report.network.sentences[0]))
    if report.workshops is not None:
        w = report.workshops
        total = sum(count for label, count in w.actions.items() if label != "Overdue")
        if total:
            lines.append(
                SummaryLine(
                    f"{len(w.away_days)} away days agreed {w.practices} practices and {total} "
                    f"actions: {w.actions.get('Done', 0)} done, "
                    f"{w.actions.get('In progress', 0)} in progress, "
                    f"{w.actions.get('Overdue', 0)} overdue.",
                    counts=True,
                )
            )
        for meeting in w.meetings:
            lines.append(
                SummaryLine(
                    f"{meeting.name}: the meeting score went from {meeting.first_mean:.1f} "
                    f"({meeting.first_month}) to {meeting.last_mean:.1f} ({meeting.last_month})."
                )
            )
    if report.outcomes is not None:
        o = report.outcomes
        lines.append(
            SummaryLine(
                f"Of {len(o.shifts)} service KPIs, {o.improved} showed special-cause improvement "
                f"after the programme started and {o.concern} showed special-cause concern."
            )
        )
    return lines
