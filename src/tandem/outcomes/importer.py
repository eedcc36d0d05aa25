"""Reading and checking a file of KPI values (CSV or XLSX) before anything is written.

Two steps, as for participant lists (`tandem.programmes.importer`): `plan_kpi_import` reads the
whole file and reports every problem by row and column; only a plan with no errors can be
written, in one transaction, by `tandem.outcomes.services.kpi_values_import_commit`. The web page
and `tandem import kpis` share both steps, so they report the same problems in the same words.

Columns: service, kpi, period, value (the first row names them; extra columns are ignored). The
service may also be a locality's name, for locality-wide KPIs. A period is a date (2024-03-31,
31/03/2024) or a month (2024-03); monthly KPIs are stored on the month's first day and weekly
ones on the Monday of the week. A period that already has the same value is left as it is (so a
whole year's file can be imported again); one with a different value is a problem to resolve on
the KPI's page, never overwritten silently.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from tandem.analysis.spc import parse_period
from tandem.outcomes.models import Frequency, Kpi, KpiValue
from tandem.programmes.importer import ImportFileError, RowError, header_positions, read_table
from tandem.programmes.models import Programme

COLUMNS = ("service", "kpi", "period", "value")
COLUMN_ALIASES = {
    "kpi name": "kpi",
    "measure": "kpi",
    "indicator": "kpi",
    "month": "period",
    "week": "period",
    "date": "period",
    "locality": "service",
    "team": "service",
}

__all__ = ["ImportFileError", "KpiImportPlan", "PlannedValue", "RowError", "plan_kpi_import"]


@dataclass(frozen=True)
class PlannedValue:
    row: int
    kpi: Kpi
    period: dt.date
    value: float
    action: str = "new"  # new | unchanged


@dataclass
class KpiImportPlan:
    filename: str
    values: list[PlannedValue] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.values)

    def count(self, action: str) -> int:
        return sum(1 for v in self.values if v.action == action)

    def errors_by_row(self) -> dict[int, list[RowError]]:
        grouped: dict[int, list[RowError]] = defaultdict(list)
        for error in self.errors:
            grouped[error.row].append(error)
        return dict(grouped)

    def kpi_counts(self) -> list[tuple[Kpi, int]]:
        counts: dict[int, tuple[Kpi, int]] = {}
        for planned in self.values:
            if planned.action == "new":
                kpi, n = counts.get(planned.kpi.pk, (planned.kpi, 0))
                counts[planned.kpi.pk] = (kpi, n + 1)
        return list(counts.values())


def normalise_period(when: dt.date, frequency: str) -> dt.date:
    """The key a KPI's value is stored under: the month's first day, or the week's Monday."""
    if frequency == Frequency.WEEKLY:
        return when - dt.timedelta(days=when.weekday())
    return when.replace(day=1)


def read_period(text: str) -> dt.date | None:
    # An XLSX date cell arrives as "2024-03-01 00:00:00".
    if len(text) == 19 and text.endswith(" 00:00:00"):
        text = text[:10]
    return parse_period(text)


def read_value(text: str) -> float | None:
    """A number as people type it in a spreadsheet: 1,234.5, 85%, £12.3 (None if it is not one)."""
    cleaned = text.strip().replace(",", "").removeprefix("£").removesuffix("%").strip()
    if not cleaned:
        return None
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _header_map(header: Sequence[str]) -> dict[str, int]:
    return header_positions(header, columns=COLUMNS, required=COLUMNS, aliases=COLUMN_ALIASES)


def _programme_kpis(programme: Programme) -> dict[tuple[str, str], Kpi]:
    from tandem.outcomes.selectors import programme_kpis

    found: dict[tuple[str, str], Kpi] = {}
    for kpi in programme_kpis(programme=programme):
        owner = kpi.service.name if kpi.service_id else kpi.locality.name  # type: ignore[union-attr]
        found[(owner.lower(), kpi.name.lower())] = kpi
    return found


def plan_kpi_import(*, programme: Programme, data: bytes, filename: str) -> KpiImportPlan:
    """Read and check a file of KPI values against the programme's services' KPIs; write nothing.

    Raises ImportFileError when the file cannot be read at all; otherwise every problem is in
    `plan.errors`, each with the spreadsheet row number (the header is row 1) and the column.
    """
    from tandem.outcomes.selectors import managed_services

    table = read_table(data, filename)
    header_index = next((i for i, row in enumerate(table) if any(row)), None)
    if header_index is None:
        raise ImportFileError("The file has no rows.")
    positions = _header_map(table[header_index])
    body = [
        (number, row)
        for number, row in enumerate(table[header_index + 1 :], start=header_index + 2)
        if any(row)
    ]
    if not body:
        raise ImportFileError("The file has a header row but no values in it.")
    if len(body) > settings.TANDEM_MAX_IMPORT_ROWS:
        raise ImportFileError(
            f"The file has more than {settings.TANDEM_MAX_IMPORT_ROWS} rows; split it into smaller files."
        )

    def cell(row: Sequence[str], column: str) -> str:
        index = positions[column]
        return row[index].strip() if index < len(row) else ""

    kpis = _programme_kpis(programme)
    services = managed_services(programme=programme)
    owners = {s.name.lower() for s in services} | {s.locality.name.lower() for s in services}
    today = timezone.localdate()
    plan = KpiImportPlan(filename=filename)
    errors = plan.errors
    parsed: list[tuple[int, Kpi, dt.date, float]] = []
    seen: dict[tuple[int, dt.date], int] = {}
    for number, raw in body:
        owner, name = cell(raw, "service"), cell(raw, "kpi")
        period_text, value_text = cell(raw, "period"), cell(raw, "value")
        kpi = None
        if not owner:
            errors.append(RowError(number, "service", "Service is empty."))
        elif owner.lower() not in owners:
            errors.append(
                RowError(
                    number,
                    "service",
                    f"“{owner}” is not a service of this programme or one of its comparison services.",
                )
            )
        elif not name:
            errors.append(RowError(number, "kpi", "KPI is empty."))
        else:
            kpi = kpis.get((owner.lower(), name.lower()))
            if kpi is None:
                errors.append(
                    RowError(
                        number,
                        "kpi",
                        f"“{name}” is not a KPI of {owner}; define it on the outcomes page first.",
                    )
                )
        period = read_period(period_text)
        if period is None:
            shown = f"“{period_text}”" if period_text else "empty"
            errors.append(
                RowError(
                    number,
                    "period",
                    f"Period is {shown}: use a date (2024-03-31 or 31/03/2024) or a month (2024-03).",
                )
            )
        elif period > today:
            errors.append(RowError(number, "period", f"{period:%d/%m/%Y} is in the future."))
            period = None
        value = read_value(value_text)
        if value is None:
            shown = f"“{value_text}”" if value_text else "empty"
            errors.append(RowError(number, "value", f"Value is {shown}, not a number."))
        if kpi is None or period is None or value is None:
            continue
        period = normalise_period(period, kpi.frequency)
        key = (kpi.pk, period)
        if key in seen:
            errors.append(
                RowError(
                    number,
                    "period",
                    f"{kpi.name} for {period:%d/%m/%Y} is already on row {seen[key]}.",
                )
            )
            continue
        seen[key] = number
        parsed.append((number, kpi, period, value))

    stored = {
        (kpi_id, period): value
        for kpi_id, period, value in KpiValue.objects.filter(
            kpi__in={kpi.pk for _, kpi, _, _ in parsed}
        ).values_list("kpi_id", "period", "value")
    }
    for number, kpi, period, value in parsed:
        existing = stored.get((kpi.pk, period))
        if existing is None:
            plan.values.append(PlannedValue(number, kpi, period, value))
        elif existing == value:
            plan.values.append(PlannedValue(number, kpi, period, value, action="unchanged"))
        else:
            errors.append(
                RowError(
                    number,
                    "value",
                    f"{kpi.name} for {period:%d/%m/%Y} is already recorded as {existing:g}; "
                    "change it on the KPI's page rather than by import.",
                )
            )
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 9))
    return plan


def template_csv() -> str:
    return "service,kpi,period,value\n"
