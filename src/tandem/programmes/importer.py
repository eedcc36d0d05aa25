"""Reading and checking a participant list (CSV or XLSX) before anything is written.

The import is two steps: `plan_participant_import` reads the whole file and reports every
problem by row and column; only a plan with no errors can be committed, in one transaction, by
`tandem.programmes.services.participants_import_commit`. The web page and `tandem import
participants` share both steps, so they report the same problems in the same words.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tandem import uploads
from tandem.programmes.models import (
    Level,
    Locality,
    Pair,
    Participant,
    Person,
    Profession,
    Programme,
    Role,
    Service,
)
from tandem.uploads import clean_cell

# Canonical column names, in the order the template file lists them.
COLUMNS = ("name", "email", "profession", "level", "locality", "service", "programme role", "pair")
REQUIRED_COLUMNS = ("name", "email", "profession", "level")
COLUMN_ALIASES = {
    "full name": "name",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "role": "programme role",
    "programme_role": "programme role",
    "program role": "programme role",
    "pair id": "pair",
    "pair label": "pair",
}

PROFESSION_WORDS = {
    "doctor": Profession.DOCTOR,
    "manager": Profession.MANAGER,
    "other clinician": Profession.OTHER_CLINICIAN,
    "other_clinician": Profession.OTHER_CLINICIAN,
    "other": Profession.OTHER,
}
LEVEL_WORDS = {"executive": Level.EXECUTIVE, "senior": Level.SENIOR, "service": Level.SERVICE}
ROLE_WORDS = {
    "participant": Role.PARTICIPANT,
    "sponsor": Role.SPONSOR,
    "coach": Role.COACH,
    "programme lead": Role.PROGRAMME_LEAD,
    "programme_lead": Role.PROGRAMME_LEAD,
    "lead": Role.PROGRAMME_LEAD,
}

XLSX_MAGIC = uploads.XLSX_MAGIC
OLE_MAGIC = uploads.OLE_MAGIC


class ImportFileError(uploads.UploadError):
    """The file as a whole cannot be read: wrong type, unreadable encoding, too big, no header."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParticipantRow:
    row: int
    name: str
    email: str
    profession: str
    level: str
    locality: str
    service: str
    role: str
    pair: str
    action: str = "new"  # new | update | unchanged


@dataclass(frozen=True)
class PlannedPair:
    label: str
    service: str
    doctor_email: str
    manager_email: str
    rows: tuple[int, ...]
    action: str = "new"  # new | unchanged


@dataclass
class ImportPlan:
    filename: str
    rows: list[ParticipantRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    pairs: list[PlannedPair] = field(default_factory=list)
    new_localities: list[str] = field(default_factory=list)
    new_services: list[tuple[str, str]] = field(default_factory=list)  # (service, locality)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def errors_by_row(self) -> dict[int, list[RowError]]:
        grouped: dict[int, list[RowError]] = defaultdict(list)
        for error in self.errors:
            grouped[error.row].append(error)
        return dict(grouped)


_clean = clean_cell


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """All rows of the file, header first, as trimmed strings. Raises ImportFileError."""
    try:
        return uploads.read_table(data, filename)
    except ImportFileError:
        raise
    except uploads.UploadError as exc:
        raise ImportFileError(str(exc)) from exc


def header_positions(
    header: Sequence[str],
    *,
    columns: Sequence[str],
    required: Sequence[str],
    aliases: Mapping[str, str],
) -> dict[str, int]:
    """{column: index} from a file's first row, shared by every table importer.

    Names are matched case- and spacing-insensitively, through `aliases`; unknown columns (notes,
    job title…) are ignored, not an error. A repeated or missing required column is an
    ImportFileError naming them all.
    """
    positions: dict[str, int] = {}
    problems: list[str] = []
    for index, raw in enumerate(header):
        name = " ".join(raw.strip().lower().replace("_", " ").split())
        name = aliases.get(name, name)
        if not name or name not in columns:
            continue
        if name in positions:
            problems.append(f"the column “{name}” appears twice")
        positions[name] = index
    missing = [c for c in required if c not in positions]
    if missing:
        problems.append(
            "missing column" + ("s" if len(missing) > 1 else "") + ": " + ", ".join(missing)
        )
    if problems:
        raise ImportFileError(
            "The first row must name the columns ("
            + ", ".join(columns)
            + "); "
            + "; ".join(problems)
            + "."
        )
    return positions


def _header_map(header: Sequence[str]) -> dict[str, int]:
    return header_positions(
        header, columns=COLUMNS, required=REQUIRED_COLUMNS, aliases=COLUMN_ALIASES
    )


def _choice(
    word: str,
    choices: Mapping[str, str],
    row: int,
    column: str,
    errors: list[RowError],
    allowed: str,
) -> str:
    key = " ".join(word.lower().replace("_", " ").split())
    if key in choices:
        return choices[key]
    if not word:
        errors.append(RowError(row, column, f"{column.capitalize()} is empty: use {allowed}."))
    else:
        errors.append(RowError(row, column, f"Unknown {column} “{word}”: use {allowed}."))
    return ""


def plan_participant_import(*, programme: Programme, data: bytes, filename: str) -> ImportPlan:
    """Read and check a participant list against the programme; write nothing.

    Raises ImportFileError when the file cannot be read at all; otherwise every problem is in
    `plan.errors`, each with the spreadsheet row number (the header is row 1) and the column.
    """
    table = read_table(data, filename)
    header_index = next((i for i, row in enumerate(table) if any(row)), None)
    if header_index is None:
        raise ImportFileError("The file has no rows.")
    positions = _header_map(table[header_index])
    plan = ImportPlan(filename=filename)
    body = [
        (number, row)
        for number, row in enumerate(table[header_index + 1 :], start=header_index + 2)
        if any(row)
    ]
    if not body:
        raise ImportFileError("The file has a header row but no people in it.")
    if len(body) > settings.TANDEM_MAX_IMPORT_ROWS:
        raise ImportFileError(
            f"The file has more than {settings.TANDEM_MAX_IMPORT_ROWS} rows; split it into smaller files."
        )

    def cell(row: Sequence[str], column: str) -> str:
        index = positions.get(column)
        return row[index] if index is not None and index < len(row) else ""

    errors = plan.errors
    seen_emails: dict[str, int] = {}
    for number, raw in body:
        name = cell(raw, "name")
        email = cell(raw, "email").lower()
        if not name:
            errors.append(RowError(number, "name", "Name is empty."))
        if not email:
            errors.append(RowError(number, "email", "E-mail is empty."))
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    RowError(number, "email", f"“{email}” is not a valid e-mail address.")
                )
            else:
                if email in seen_emails:
                    errors.append(
                        RowError(
                            number,
                            "email",
                            f"Duplicate e-mail {email}: it is also on row {seen_emails[email]}.",
                        )
                    )
                else:
                    seen_emails[email] = number
        profession = _choice(
            cell(raw, "profession"),
            PROFESSION_WORDS,
            number,
            "profession",
            errors,
            "doctor, manager, other clinician or other",
        )
        level = _choice(
            cell(raw, "level"), LEVEL_WORDS, number, "level", errors, "executive, senior or service"
        )
        role_word = cell(raw, "programme role")
        role = (
            _choice(
                role_word,
                ROLE_WORDS,
                number,
                "programme role",
                errors,
                "participant, sponsor, coach or programme lead",
            )
            if role_word
            else Role.PARTICIPANT
        )
        plan.rows.append(
            ParticipantRow(
                row=number,
                name=name,
                email=email,
                profession=profession,
                level=level,
                locality=cell(raw, "locality"),
                service=cell(raw, "service"),
                role=role,
                pair=cell(raw, "pair"),
            )
        )

    _check_people(programme, plan)
    _check_places(programme, plan)
    _check_pairs(programme, plan)
    plan.errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
    return plan


def _check_people(programme: Programme, plan: ImportPlan) -> None:
    emails = [row.email for row in plan.rows if row.email]
    existing = {
        person.email.lower(): person
        for person in Person.objects.filter(email__in=emails).select_related("service__locality")
    }
    # Services store e-mail addresses in lower case, so an exact match finds every existing person.
    roles = dict(
        Participant.objects.filter(programme=programme, person__in=existing.values()).values_list(
            "person_id", "role"
        )
    )
    for row in plan.rows:
        person = existing.get(row.email)
        if person is None:
            row.action = "new"
            continue
        if person.organisation_id != programme.organisation_id:
            plan.errors.append(
                RowError(
                    row.row, "email", f"{row.email} belongs to someone in another organisation."
                )
            )
            continue
        service_name = person.service.name if person.service else ""
        same = (
            person.name == row.name
            and person.profession == row.profession
            and person.level == row.level
            and service_name.lower() == row.service.lower()
            and roles.get(person.pk) == row.role
        )
        row.action = "unchanged" if same else "update"


def _check_places(programme: Programme, plan: ImportPlan) -> None:
    organisation = programme.organisation
    localities = {
        loc.name.lower(): loc for loc in Locality.objects.filter(organisation=organisation)
    }
    services = {
        svc.name.lower(): svc
        for svc in Service.objects.filter(organisation=organisation).select_related("locality")
    }
    new_services: dict[str, tuple[str, str, int]] = {}  # lower name -> (name, locality, first row)
    new_localities: dict[str, str] = {}
    for row in plan.rows:
        if not row.service:
            if row.locality and row.locality.lower() not in localities:
                new_localities.setdefault(row.locality.lower(), row.locality)
            continue
        known = services.get(row.service.lower())
        if known is not None:
            if row.locality and row.locality.lower() != known.locality.name.lower():
                plan.errors.append(
                    RowError(
                        row.row,
                        "locality",
                        f"The service “{known.name}” is in the locality “{known.locality.name}”, "
                        f"not “{row.locality}”.",
                    )
                )
            continue
        if not row.locality:
            plan.errors.append(
                RowError(
                    row.row,
                    "locality",
                    f"The service “{row.service}” is new: give the locality it belongs to.",
                )
            )
            continue
        earlier = new_services.get(row.service.lower())
        if earlier is not None and earlier[1].lower() != row.locality.lower():
            plan.errors.append(
                RowError(
                    row.row,
                    "locality",
                    f"The service “{row.service}” is in the locality “{earlier[1]}” on row {earlier[2]}, "
                    f"but “{row.locality}” here.",
                )
            )
            continue
        new_services.setdefault(row.service.lower(), (row.service, row.locality, row.row))
        if row.locality.lower() not in localities:
            new_localities.setdefault(row.locality.lower(), row.locality)
    plan.new_localities = sorted(new_localities.values(), key=str.lower)
    plan.new_services = sorted(
        ((name, loc) for name, loc, _ in new_services.values()), key=lambda s: s[0].lower()
    )


def _describe_rows(rows: Iterable[int]) -> str:
    numbers = sorted(rows)
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    return "rows " + ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"


def _check_pairs(programme: Programme, plan: ImportPlan) -> None:
    groups: dict[str, list[ParticipantRow]] = defaultdict(list)
    labels: dict[str, str] = {}
    for row in plan.rows:
        if row.pair:
            groups[row.pair.lower()].append(row)
            labels.setdefault(row.pair.lower(), row.pair)
    existing_pairs = {
        pair.service.name.lower(): pair
        for pair in Pair.objects.filter(programme=programme).select_related(
            "service", "doctor__person", "manager__person"
        )
    }
    services_taken: dict[str, str] = {}
    for key, members in groups.items():
        label = labels[key]
        where = _describe_rows(m.row for m in members)
        doctors = [m for m in members if m.profession == Profession.DOCTOR]
        managers = [m for m in members if m.profession == Profession.MANAGER]
        problem = None
        if len(members) != 2 or len(doctors) != 1 or len(managers) != 1:
            problem = (
                f"Pair “{label}” must be exactly one doctor and one manager; it has "
                f"{len(doctors)} doctor{'s' if len(doctors) != 1 else ''} and "
                f"{len(managers)} manager{'s' if len(managers) != 1 else ''}"
                + (
                    f" and {len(members) - len(doctors) - len(managers)} other"
                    if len(members) > len(doctors) + len(managers)
                    else ""
                )
                + f" ({where})."
            )
        else:
            services = {m.service.lower() for m in members}
            if "" in services:
                problem = f"Pair “{label}” needs a service on both rows ({where})."
            elif len(services) > 1:
                problem = (
                    f"Pair “{label}” is split across services “{members[0].service}” and "
                    f"“{members[1].service}”: a pair leads one service together ({where})."
                )
            else:
                service_key = services.pop()
                if service_key in services_taken:
                    problem = (
                        f"The service “{members[0].service}” already has the pair “{services_taken[service_key]}” "
                        f"in this file; a service has one pair ({where})."
                    )
                else:
                    services_taken[service_key] = label
        if problem:
            for member in members:
                plan.errors.append(RowError(member.row, "pair", problem))
            continue
        doctor, manager = doctors[0], managers[0]
        action = "new"
        current = existing_pairs.get(doctor.service.lower())
        if current is not None:
            if (
                current.doctor.person.email.lower() == doctor.email
                and current.manager.person.email.lower() == manager.email
            ):
                action = "unchanged"
            else:
                message = (
                    f"The service “{current.service.name}” already has a pair in this programme "
                    f"({current.doctor.person.name} and {current.manager.person.name}); "
                    "remove that pair first to pair it differently."
                )
                for member in members:
                    plan.errors.append(RowError(member.row, "pair", message))
                continue
        plan.pairs.append(
            PlannedPair(
                label=label,
                service=doctor.service,
                doctor_email=doctor.email,
                manager_email=manager.email,
                rows=tuple(sorted(m.row for m in members)),
                action=action,
            )
        )


def template_csv() -> str:
    """A blank participant list with the expected columns and one example row, for download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "Dr Ada Example",
            "ada.example@trust.example",
            "doctor",
            "senior",
            "North",
            "Memory service",
            "participant",
            "P1",
        ]
    )
    return buffer.getvalue()
