"""A participant list exported from the survey tool: how its own identifiers (a LimeSurvey token,
a Qualtrics external data reference or response ID) turn into e-mail addresses.

- LimeSurvey: Survey participants → Export → CSV (`tid, firstname, lastname, email, emailstatus,
  token, …`).
- Qualtrics: a contact list's export (`FirstName, LastName, Email, ExternalDataReference, …`), or a
  distribution's history download (`Response Id, Last Name, First Name, Email, External Data
  Reference, Status, …`), which ties each response ID to the person it was sent to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tandem.programmes.importer import ImportFileError, read_table
from tandem.surveys.response_import.formats import (
    LIST_EMAIL_HEADINGS,
    LIST_KEY_HEADINGS,
    squash,
)
from tandem.surveys.response_import.reading import ResponseError

WHERE = "In the participant list"


@dataclass
class ParticipantList:
    key: str
    filename: str
    emails: dict[str, str] = field(default_factory=dict)  # the tool's identifier → e-mail
    # Identifier → what is wrong with its row; reported only if a response carries it.
    problems: dict[str, ResponseError] = field(default_factory=dict)


def read_participant_list(*, data: bytes, filename: str, key: str) -> ParticipantList:
    """Identifier → e-mail address from a tool's participant list; a row without an identifier
    (someone never sent the survey, or who did not respond) is passed over.

    Raises ImportFileError when the file cannot be read or lacks either column.
    """
    if key not in LIST_KEY_HEADINGS:
        raise ImportFileError(f"Respondents cannot be matched by “{key}” through a list.")
    table = read_table(data, filename)
    while table and not any(table[-1]):
        table.pop()
    if not table:
        raise ImportFileError(f"{WHERE} {filename}: the file has no header row.")
    headings = [squash(cell) for cell in table[0]]
    key_index = next((headings.index(h) for h in LIST_KEY_HEADINGS[key] if h in headings), None)
    email_index = next((headings.index(h) for h in LIST_EMAIL_HEADINGS if h in headings), None)
    missing = [
        name
        for name, index in (
            (" or ".join(LIST_KEY_HEADINGS[key]), key_index),
            ("email", email_index),
        )
        if index is None
    ]
    if key_index is None or email_index is None:
        raise ImportFileError(
            f"{WHERE} {filename}: no {' and no '.join(missing)} column. Export the list of "
            "participants from the survey tool with their e-mail addresses and identifiers."
        )
    key_heading, email_heading = table[0][key_index], table[0][email_index]
    found = ParticipantList(key=key, filename=filename)
    first_row: dict[str, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        value = cells[key_index].strip() if key_index < len(cells) else ""
        email = cells[email_index].strip().lower() if email_index < len(cells) else ""
        if not value:
            continue
        if not email or "@" not in email:
            found.problems[value] = ResponseError(
                number,
                email_heading,
                f"{WHERE}: “{value}” has "
                + (
                    f"“{email}”, which is not an e-mail address." if email else "no e-mail address."
                ),
            )
            continue
        if value in found.emails and found.emails[value] != email:
            found.problems[value] = ResponseError(
                number,
                key_heading,
                f"{WHERE}: “{value}” is given to {email} here and to "
                f"{found.emails[value]} on row {first_row[value]}.",
            )
            continue
        found.emails[value] = email
        first_row.setdefault(value, number)
    return found
