"""What each survey tool writes: its metadata columns (anything that is not a question), where it
puts the respondent's e-mail and completion time, and the file type it exports."""

from __future__ import annotations

import datetime as dt
import re

from tandem.programmes.importer import ImportFileError, read_table

SOURCES = ("msforms", "qualtrics", "limesurvey")

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
    "distributionchannel",
    "userlanguage",
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
}
# Per-question and per-group timing columns that LimeSurvey adds when timings are recorded.
LIMESURVEY_TIMING = re.compile(r"^(grouptime|.*time$)", re.IGNORECASE)

# Qualtrics Text iQ adds analysis columns after an open question ("Q5 - Topics", "Q5 - Sentiment
# Score", "Q5 - Topic Hierarchy Level 1", …): the tool's reading of the answer, not a question.
QUALTRICS_TEXT_IQ = re.compile(
    r" - (?:parent topics|topics|sentiment|sentiment polarity|sentiment score"
    r"|topic sentiment label|topic sentiment score|topic hierarchy level \d+)$"
)

EMAIL_COLUMNS = {
    "msforms": ("email",),
    "qualtrics": ("recipientemail", "email"),
    "limesurvey": ("email", "email address"),
}
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


def normalise(text: str) -> str:
    """Lower case, spaces collapsed: how headings, labels and answers are compared."""
    return " ".join(text.strip().lower().split())


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
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%Y-%m-%dT%H:%M:%S",
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
    return key in LIMESURVEY_METADATA or bool(LIMESURVEY_TIMING.match(key))


def export_table(source: str, data: bytes, filename: str) -> list[list[str]]:
    """The file's cells, once it is the file type `source` exports."""
    if source == "msforms" and not data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            "A Microsoft Forms export is an Excel workbook (.xlsx): use “Open results in Excel” and upload that file."
        )
    if source in {"qualtrics", "limesurvey"} and data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            f"A {source.capitalize()} export for Tandem is a CSV file, not a workbook."
        )
    return read_table(data, filename)
