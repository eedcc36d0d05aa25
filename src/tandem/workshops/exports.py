"""The charter and the action log as PDF (WeasyPrint) and XLSX (openpyxl).

Every spreadsheet cell goes through `safe_cell`: a practice or action written as "=HYPERLINK(…)"
must reach the spreadsheet as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tandem.exports import safe_row
from tandem.programmes.models import Programme
from tandem.workshops.models import Action, AwayDay, MissionVersion
from tandem.workshops.selectors import CharterEntry

CHARTER_HEADINGS = (
    "Practice",
    "What we do",
    "Why it matters",
    "Owner",
    "How we will know it is kept",
    "Agreed at",
    "Version",
)
ACTION_HEADINGS = (
    "Action",
    "Owner",
    "Pair",
    "Locality",
    "Away day",
    "Due",
    "Status",
    "Overdue",
    "Latest update",
)


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _xlsx(title: str, headings: Sequence[str], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(safe_row(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
    for column in sheet.columns:
        letter = column[0].column_letter
        sheet.column_dimensions[letter].width = 28
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _charter_rows(entries: list[CharterEntry]) -> list[list[object]]:
    return [
        [
            e.current.title,
            e.current.description,
            e.current.why_it_matters,
            e.current.owner.person.name if e.current.owner else "",
            e.current.how_we_know,
            str(e.current.away_day),
            e.current.number,
        ]
        for e in entries
    ]


def charter_xlsx(entries: list[CharterEntry]) -> bytes:
    return _xlsx("Charter", CHARTER_HEADINGS, _charter_rows(entries))


def charter_pdf(
    *, programme: Programme, entries: list[CharterEntry], mission: MissionVersion | None
) -> bytes:
    html = render_to_string(
        "workshops/charter_print.jinja",
        {
            "programme": programme,
            "entries": entries,
            "mission": mission,
            "generated": timezone.now(),
        },
    )
    return _pdf(html)


def _latest_note(action: Action) -> str:
    updates = list(action.updates.all())
    if not updates:
        return ""
    last = updates[-1]
    return (
        f"{last.written_on:%d/%m/%Y}: {last.note}" if last.note else f"{last.written_on:%d/%m/%Y}"
    )


def _action_rows(actions: list[Action], today: dt.date) -> list[list[object]]:
    return [
        [
            a.title,
            a.owner.person.name,
            a.pair.service.name if a.pair else "",
            (a.pair.service.locality.name if a.pair else "")
            or (a.owner.person.service.locality.name if a.owner.person.service is not None else ""),
            a.away_day.title if a.away_day else "",
            a.due_on,
            a.get_status_display(),
            "Yes" if a.is_overdue(today) else "",
            _latest_note(a),
        ]
        for a in actions
    ]


def actions_xlsx(actions: list[Action], today: dt.date) -> bytes:
    book_bytes = _xlsx("Actions", ACTION_HEADINGS, _action_rows(actions, today))
    return book_bytes


def actions_pdf(*, programme: Programme, actions: list[Action], today: dt.date) -> bytes:
    html = render_to_string(
        "workshops/actions_print.jinja",
        {
            "programme": programme,
            "actions": actions,
            "today": today,
            "generated": timezone.now(),
        },
    )
    return _pdf(html)


def agenda_pdf(*, away_day: AwayDay) -> bytes:
    html = render_to_string(
        "workshops/agenda_print.jinja", {"away_day": away_day, "generated": timezone.now()}
    )
    return _pdf(html)
