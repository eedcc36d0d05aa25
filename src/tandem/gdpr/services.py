"""Data-protection rights: subject access (one zip), erasure (pseudonymise), retention (purge)."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tandem.audit.services import audit_record
from tandem.exports import safe_row
from tandem.gdpr.registry import GdprContext, registered
from tandem.programmes.models import Participant, Person, Programme

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: can never receive mail


def is_erased(person: Person) -> bool:
    return person.erased_at is not None


def _csv(table: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    headings = list(dict.fromkeys(key for row in table for key in row))
    writer = csv.writer(out)
    writer.writerow(headings)
    for row in table:
        cells = [
            json.dumps(v) if isinstance(v, dict | list) else v
            for v in (row.get(h) for h in headings)
        ]
        writer.writerow(safe_row(cells))
    return out.getvalue()


@transaction.atomic
def subject_access_export(
    *, person: Person, actor: Any = None, include_confidential_notes: bool = False
) -> bytes:
    """Everything Tandem holds about the person, as one zip of JSON (and CSV for tables)."""
    context = GdprContext(actor=actor, include_confidential_notes=include_confidential_notes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for hooks in registered():
            if hooks.export is None:
                continue
            for section, data in hooks.export(person, context).items():
                base = f"{hooks.name}/{section}"
                archive.writestr(base + ".json", json.dumps(data, indent=2, ensure_ascii=False))
                if isinstance(data, list) and data:
                    archive.writestr(base + ".csv", _csv(data))
        readme = [
            f"Everything Tandem holds about {person.name}, exported on "
            f"{timezone.localdate():%-d %B %Y}.",
            "Each folder is one part of Tandem; each .json file has a .csv twin for tables.",
            *context.notes,
        ]
        archive.writestr("README.txt", "\n\n".join(readme) + "\n")
    audit_record(
        actor=actor,
        action="gdpr.export",
        subject=person,
        extra={"notes_included": include_confidential_notes},
    )
    return buffer.getvalue()


@dataclass
class ErasureReport:
    person_id: int
    label: str
    counts: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def person_erase(*, person: Person, actor: Any = None) -> ErasureReport:
    """Pseudonymise the person everywhere, keeping what aggregates need; remove their free text.

    Their answers stay (linked to the now pseudonymous participant), so scale means, response
    rates and network counts do not move. The audit log is kept as it is: it is the record that
    this happened.
    """
    context = GdprContext(actor=actor)
    report = ErasureReport(person_id=person.pk, label=f"Erased person {person.pk}")
    for hooks in registered():
        if hooks.erase is not None:
            for what, count in hooks.erase(person, context).items():
                report.counts[what] = report.counts.get(what, 0) + count
    person.name = report.label
    person.email = f"erased-{person.pk}@{ERASED_DOMAIN}"
    person.job_title = ""
    person.erased_at = timezone.now()
    person.save(update_fields=["name", "email", "job_title", "erased_at"])
    if person.user_id:
        user = get_user_model().objects.get(pk=person.user_id)
        user.email = person.email
        if hasattr(user, "full_name"):
            user.full_name = report.label
        user.is_active = False
        user.set_unusable_password()
        user.save()
    audit_record(actor=actor, action="gdpr.erase", subject=person, extra=report.counts)
    transaction.on_commit(compact_database)
    return report


def compact_database() -> None:
    """After an erasure, leave no copy of what was removed in the database file (SQLite).

    SQLite keeps old page contents in free pages and in its write-ahead log until they are reused
    or checkpointed; VACUUM rewrites the file without them and the checkpoint empties the log.
    PostgreSQL's dead row versions are its administrators' business (VACUUM as routine).
    """
    from django.db import connection

    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_ends_on(programme: Programme) -> dt.date:
    return _add_months(programme.end_date, programme.retention_months)


@dataclass
class PurgePlan:
    expired_programmes: list[Programme]
    people: list[Person]  # to erase: every programme they were in has expired


def purge_plan(*, today: dt.date | None = None) -> PurgePlan:
    today = today or timezone.localdate()
    programmes = list(Programme.objects.all())
    expired = [p for p in programmes if retention_ends_on(p) < today]
    live_ids = {p.pk for p in programmes if p not in expired}
    expired_ids = {p.pk for p in expired}
    people: dict[int, Person] = {}
    for participant in Participant.objects.filter(programme_id__in=expired_ids).select_related(
        "person"
    ):
        person = participant.person
        if is_erased(person):
            continue
        in_live = Participant.objects.filter(person=person, programme_id__in=live_ids).exists()
        if not in_live:
            people[person.pk] = person
    return PurgePlan(expired_programmes=expired, people=list(people.values()))


@transaction.atomic
def purge_apply(*, plan: PurgePlan, actor: Any = None) -> list[ErasureReport]:
    reports = [person_erase(person=person, actor=actor) for person in plan.people]
    context = GdprContext(actor=actor)
    for programme in plan.expired_programmes:
        removed: dict[str, int] = {}
        for hooks in registered():
            if hooks.purge is not None:
                for what, count in hooks.purge(programme, context).items():
                    removed[what] = removed.get(what, 0) + count
        audit_record(
            actor=actor,
            action="gdpr.purge",
            subject=programme,
            extra={"people_erased": len(reports), **removed},
        )
    return reports
