"""Reading an organisation's list of localities and services (CSV or XLSX) into a plan.

The file has two columns, `locality` and `service`, one service a row (headings in any case,
surrounding spaces ignored). Other columns — notes, a manager's name — are ignored, as the
participant list ignores them, so a trust can upload the sheet it already keeps.

`plan_services_import` writes nothing. Every problem is a `RowError` with the row number the
spreadsheet shows (the heading is row 1) and the column; only a plan without errors can be
written, by `tandem.programmes.org_services.services_import_commit`, in one transaction. The web
page and `tandem org import-services` share both steps.

A retired locality or service named in the file is an error, not brought back: an import that
quietly restored what someone retired would undo a decision nobody sees being undone. Restoring is
its own action (`org_services.service_restore`, `locality_restore`).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import formats, timezone

from tandem.programmes.importer.tables import ImportFileError, RowError, read_table
from tandem.programmes.models import Locality, Organisation, Service

SERVICE_COLUMNS = ("locality", "service")
# The models' own limit (CharField max_length) for both names.
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class ServiceRow:
    row: int
    locality: str  # as the organisation already spells it when it exists, else as in the file
    service: str
    action: str  # "new" | "unchanged"
    new_locality: bool = False


@dataclass
class ServicesPlan:
    organisation_id: int
    filename: str
    rows: list[ServiceRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def new_localities(self) -> list[str]:
        names: dict[str, str] = {}
        for row in self.rows:
            if row.new_locality:
                names.setdefault(row.locality.lower(), row.locality)
        return sorted(names.values(), key=str.lower)

    @property
    def new_services(self) -> list[ServiceRow]:
        return [row for row in self.rows if row.action == "new"]

    @property
    def unchanged(self) -> list[ServiceRow]:
        return [row for row in self.rows if row.action == "unchanged"]

    def counts(self) -> dict[str, int]:
        """What committing would add: the CLI's JSON and the page's summary."""
        return {
            "localities_added": len(self.new_localities),
            "services_added": len(self.new_services),
            "unchanged": len(self.unchanged),
        }

    def errors_by_row(self) -> dict[int, list[RowError]]:
        grouped: dict[int, list[RowError]] = defaultdict(list)
        for error in self.errors:
            grouped[error.row].append(error)
        return dict(grouped)


def _header(header: Sequence[str], row: int) -> tuple[dict[str, int], list[RowError]]:
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(header):
        name = " ".join(raw.strip().lower().split())
        if name not in SERVICE_COLUMNS:
            continue
        if name in positions:
            errors.append(
                RowError(row, name, f"The file has two ‘{name}’ columns: keep one of them.")
            )
        positions[name] = index
    for column in SERVICE_COLUMNS:
        if column not in positions:
            errors.append(RowError(row, column, f"The file has no ‘{column}’ column."))
    return positions, errors


def _retired_on(when: object) -> str:
    if when is None:
        return ""
    return " on " + formats.date_format(timezone.localtime(when), "j F Y")  # type: ignore[arg-type]


def plan_services_import(*, organisation: Organisation, data: bytes, filename: str) -> ServicesPlan:
    """Read and check a list of localities and services against the organisation; write nothing.

    Raises ImportFileError when the file cannot be read at all (wrong type, empty); every other
    problem is in `plan.errors`.
    """
    table = read_table(data, filename)
    header_index = next((i for i, row in enumerate(table) if any(row)), None)
    if header_index is None:
        raise ImportFileError("The file has no rows.")
    plan = ServicesPlan(organisation_id=organisation.pk, filename=filename)
    positions, header_errors = _header(table[header_index], header_index + 1)
    if header_errors:
        plan.errors = header_errors
        return plan
    body = [
        (number, row)
        for number, row in enumerate(table[header_index + 1 :], start=header_index + 2)
        if any(row)
    ]
    if not body:
        raise ImportFileError("The file has a heading row but no services in it.")
    if len(body) > settings.TANDEM_MAX_IMPORT_ROWS:
        raise ImportFileError(
            f"The file has more than {settings.TANDEM_MAX_IMPORT_ROWS} rows; split it into smaller files."
        )

    def cell(row: Sequence[str], column: str) -> str:
        index = positions[column]
        return row[index].strip() if index < len(row) else ""

    localities = {
        locality.name.lower(): locality
        for locality in Locality.objects.filter(organisation=organisation)
    }
    services = {
        service.name.lower(): service
        for service in Service.objects.filter(organisation=organisation).select_related("locality")
    }
    seen: dict[str, int] = {}  # service name (lower case) → the first row naming it
    errors = plan.errors
    for number, raw in body:
        locality_name, service_name = cell(raw, "locality"), cell(raw, "service")
        problems = len(errors)
        for column, value in (("locality", locality_name), ("service", service_name)):
            if not value:
                errors.append(RowError(number, column, f"The {column} is empty."))
            elif len(value) > MAX_NAME_LENGTH:
                errors.append(
                    RowError(
                        number,
                        column,
                        f"The {column} name is {len(value)} characters long; "
                        f"the most is {MAX_NAME_LENGTH}.",
                    )
                )
        if service_name:
            first = seen.setdefault(service_name.lower(), number)
            if first != number:
                errors.append(
                    RowError(
                        number,
                        "service",
                        f"The service “{service_name}” is on rows {first} and {number}: "
                        "list each service once.",
                    )
                )
        locality = localities.get(locality_name.lower())
        if locality is not None and locality.retired_at is not None:
            errors.append(
                RowError(
                    number,
                    "locality",
                    f"The locality “{locality.name}” was retired{_retired_on(locality.retired_at)}. "
                    "An import does not bring it back: restore it first, or remove this row.",
                )
            )
        known = services.get(service_name.lower())
        if known is not None and known.retired_at is not None:
            errors.append(
                RowError(
                    number,
                    "service",
                    f"The service “{known.name}” was retired{_retired_on(known.retired_at)}. "
                    "An import does not bring it back: restore it first, or remove this row.",
                )
            )
        elif known is not None and known.locality.name.lower() != locality_name.lower():
            errors.append(
                RowError(
                    number,
                    "locality",
                    f"The service “{known.name}” already exists in the locality "
                    f"“{known.locality.name}”, not “{locality_name}”. Move it there first, "
                    "or correct this row.",
                )
            )
        if len(errors) > problems:
            continue
        plan.rows.append(
            ServiceRow(
                row=number,
                locality=locality.name if locality is not None else locality_name,
                service=known.name if known is not None else service_name,
                action="unchanged" if known is not None else "new",
                new_locality=locality is None,
            )
        )
    plan.errors.sort(key=lambda e: (e.row, SERVICE_COLUMNS.index(e.column)))
    return plan


def services_template_csv() -> str:
    """A blank list of localities and services with two example rows, for download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SERVICE_COLUMNS)
    writer.writerow(["North", "Memory service"])
    writer.writerow(["North", "Community mental health team"])
    return buffer.getvalue()
