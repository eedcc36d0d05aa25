"""A participant list's vocabulary and its plan: what each row will do, every problem found."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tandem.programmes.importer.tables import RowError
from tandem.programmes.models import Level, Profession, Role

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
    "comparison": Role.COMPARISON,
    "comparison respondent": Role.COMPARISON,
}


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
