"""Responses collected in another survey tool, brought into a wave.

Three export layouts are understood, as the tools write them:

- **Microsoft Forms** (XLSX, "Open in Excel"): one header row; metadata columns `ID`, `Start time`,
  `Completion time`, `Email`, `Name`, `Last modified time`; each question's column is headed with
  the question's text.
- **Qualtrics** (CSV, "Download data" with choice text or values): three header rows — the column
  ids (`StartDate` … `Q1`, `Q2_3`), the question texts, and `{"ImportId": …}` JSON; metadata columns
  such as `ResponseId`, `Finished`, `RecipientEmail`, and Text iQ's analysis columns after an open
  question (`Q5 - Topics`, `Q5 - Sentiment Score`, …), which are the tool's reading, not answers.
- **LimeSurvey** (CSV response export, question codes as headings): one header row; metadata columns
  `id`, `submitdate`, `lastpage`, `startlanguage`, `seed`, `token`, `startdate`, `datestamp`, and the
  participant attributes (`email`, `firstname`, `lastname`) when the survey used a participant list.

A file collected through an anonymous link (no e-mail column, or only empty or "anonymous" cells)
is read with `unmatched=True` and written as unmatched responses: answers to the wave that belong to
no participant (`surveys.models.Invitation.unmatched`).

Like the participant import, reading and checking (`read_responses`, `plan_response_import`) write
nothing; `tandem.surveys.services.responses_import_commit` writes a valid plan in one transaction.

`formats` knows each tool's layout, `reading` reads a file, `planning` checks it against a wave;
every name is importable from here.
"""

from tandem.surveys.response_import.formats import (
    EMAIL_COLUMNS,
    LIMESURVEY_METADATA,
    LIMESURVEY_TIMING,
    MSFORMS_METADATA,
    QUALTRICS_METADATA,
    QUALTRICS_TEXT_IQ,
    RESPONSE_ID_COLUMNS,
    SOURCES,
    SUBMITTED_COLUMNS,
)
from tandem.surveys.response_import.planning import (
    PlannedResponse,
    ResponsePlan,
    mapping_from_yaml,
    plan_response_import,
    suggest_mapping,
)
from tandem.surveys.response_import.reading import (
    ParsedResponses,
    ResponseError,
    SourceRow,
    read_responses,
)

__all__ = [
    "EMAIL_COLUMNS",
    "LIMESURVEY_METADATA",
    "LIMESURVEY_TIMING",
    "MSFORMS_METADATA",
    "QUALTRICS_METADATA",
    "QUALTRICS_TEXT_IQ",
    "RESPONSE_ID_COLUMNS",
    "SOURCES",
    "SUBMITTED_COLUMNS",
    "ParsedResponses",
    "PlannedResponse",
    "ResponseError",
    "ResponsePlan",
    "SourceRow",
    "mapping_from_yaml",
    "plan_response_import",
    "read_responses",
    "suggest_mapping",
]
