"""What each survey tool writes: its metadata columns (anything that is not a question), where it
puts the respondent's e-mail, its own identifiers, the completion time and whether a response was
finished, and the header layouts of its exports."""

from __future__ import annotations

import datetime as dt
import re

from tandem.programmes.importer import ImportFileError, read_table

SOURCES = ("msforms", "qualtrics", "limesurvey")
SOURCE_NAMES = {"msforms": "Microsoft Forms", "qualtrics": "Qualtrics", "limesurvey": "LimeSurvey"}

MSFORMS_METADATA = {
    "id",
    "start time",
    "completion time",
    "email",
    "name",
    "last modified time",
    "total points",
    "quiz feedback",
    "grade posted time",
}
QUALTRICS_METADATA = {
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "duration (in seconds)",
    "finished",
    "recordeddate",
    "responseid",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externalreference",
    "externaldatareference",
    "locationlatitude",
    "locationlongitude",
    "locationaccuracy",
    "distributionchannel",
    "userlanguage",
    # The legacy export's second header row names its V1…V10 columns so:
    "responseset",
    "name",
    "emailaddress",
}
LIMESURVEY_METADATA = {
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "token",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "email",
    "firstname",
    "lastname",
    "interviewtime",
    # Full-heading exports
    "response id",
    "date submitted",
    "last page",
    "start language",
    "date started",
    "date last action",
    "ip address",
    "referrer url",
    "email address",
    "first name",
    "last name",
    "access code",
    "total time",
}
# Per-question and per-group timing columns that LimeSurvey adds when timings are recorded.
LIMESURVEY_TIMING = re.compile(r"^(grouptime|.*time$)", re.IGNORECASE)
# A LimeSurvey participant attribute ("attribute_1", or its description in a full-heading export).
LIMESURVEY_ATTRIBUTE = re.compile(r"^attribute_\d+$", re.IGNORECASE)

# Qualtrics Text iQ adds analysis columns after an open question ("Q5 - Topics", "Q5 - Sentiment
# Score", "Q5 - Topic Hierarchy Level 1", …): the tool's reading of the answer, not a question.
QUALTRICS_TEXT_IQ = re.compile(
    r" - (?:parent topics|topics|sentiment|sentiment polarity|sentiment score"
    r"|topic sentiment label|topic sentiment score|topic hierarchy level \d+)$"
)

EMAIL_COLUMNS = {
    "msforms": ("email",),
    "qualtrics": ("recipientemail", "emailaddress", "email"),
    "limesurvey": ("email", "email address"),
}
# The identifiers a tool gives a respondent besides the e-mail address, by which a response can be
# matched through a participant list exported from the same tool: key → (label, export headings).
KEY_COLUMNS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "msforms": {},
    "qualtrics": {
        "externalreference": (
            "Qualtrics external data reference",
            ("externalreference", "externaldatareference"),
        ),
        "responseid": ("Qualtrics response ID", ("responseid",)),
    },
    "limesurvey": {"token": ("LimeSurvey token (access code)", ("token", "access code"))},
}
# The same identifiers as the tools' participant lists head them, compared with everything but
# letters and digits removed ("External Data Reference" → "externaldatareference").
LIST_KEY_HEADINGS = {
    "token": ("token", "accesscode"),
    "externalreference": ("externaldatareference", "externalreference"),
    "responseid": ("responseid",),
}
LIST_EMAIL_HEADINGS = ("email", "emailaddress", "recipientemail")

# Each tool's own id for a response: kept for unmatched responses, so a second import of the same
# export is refused rather than counted twice.
RESPONSE_ID_COLUMNS = {
    "msforms": ("id",),
    "qualtrics": ("responseid",),
    "limesurvey": ("id", "response id"),
}
SUBMITTED_COLUMNS = {
    "msforms": ("completion time",),
    "qualtrics": ("recordeddate", "enddate"),
    "limesurvey": ("submitdate", "date submitted"),
}
# How a tool marks a response its respondent did not finish. Forms records only submitted
# responses; LimeSurvey leaves `submitdate` empty; Qualtrics writes Finished = 0 and Progress < 100.
COMPLETION_COLUMNS = {
    "msforms": (),
    "qualtrics": ("finished", "progress"),
    "limesurvey": ("submitdate", "date submitted"),
}


def normalise(text: str) -> str:
    """Lower case, spaces collapsed: how headings, labels and answers are compared."""
    return " ".join(text.strip().lower().split())


def squash(text: str) -> str:
    """Letters and digits only, lower case: how a participant list's headings are compared."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def parse_moment(text: str) -> dt.datetime | None:
    """A completion time in any of the formats the tools write; None if it is not one."""
    text = text.strip()
    if not text:
        return None
    for fmt in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%y %H:%M:%S",
        "%m/%d/%Y %H:%M",
        "%m/%d/%y %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M:%SZ",
    ):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def is_metadata(source: str, column: str) -> bool:
    """Is this one of the tool's own columns (not a question)?"""
    key = normalise(column)
    if source == "msforms":
        return key in MSFORMS_METADATA or key.startswith(("points - ", "feedback - "))
    if source == "qualtrics":
        return key in QUALTRICS_METADATA or bool(QUALTRICS_TEXT_IQ.search(key))
    return (
        key in LIMESURVEY_METADATA
        or bool(LIMESURVEY_TIMING.match(key))
        or bool(LIMESURVEY_ATTRIBUTE.match(key))
    )


def export_table(source: str, data: bytes, filename: str) -> list[list[str]]:
    """The file's cells: CSV (UTF-8 with or without a byte-order mark, Windows-1252), tab-separated
    text (Qualtrics' TSV is UTF-16) or an XLSX workbook, whichever the tool wrote."""
    return read_table(data, filename)


def qualtrics_layout(table: list[list[str]]) -> str:
    """ "current" (three header rows), "legacy" (two: V1…V10 then their names), or refuse."""
    if len(table) >= 3 and any("importid" in cell.lower() for cell in table[2]):
        return "current"
    if (
        len(table) >= 2
        and table[0]
        and normalise(table[0][0]) == "v1"
        and any(normalise(cell) == "responseid" for cell in table[1])
    ):
        return "legacy"
    raise ImportFileError(
        "This is not a Qualtrics export: Qualtrics writes three header rows (column ids, question "
        'texts, and {"ImportId": …}), or in its legacy format two (V1, V2… then ResponseID, '
        "ResponseSet…). Export again from Data & Analysis → Export & Import → Export data, as CSV, "
        "TSV or Excel, without removing any header row."
    )
