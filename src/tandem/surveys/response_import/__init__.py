"""Responses collected in another survey tool, brought into a wave.

The export layouts are understood as the tools write them, in every file type they offer (CSV in
UTF-8 with or without a byte-order mark or Windows-1252, tab-separated UTF-16 text, XLSX):

- **Microsoft Forms** (XLSX from "Open results in Excel", or CSV): one header row; metadata columns
  `ID`, `Start time`, `Completion time`, `Email`, `Name`, `Last modified time`; each question's
  column is headed with the question's text. Forms records only submitted responses.
- **Qualtrics** (CSV, TSV or XLSX, choice text or numeric values): three header rows — the column
  ids (`StartDate` … `Q1`, `Q2_3`), the question texts, and `{"ImportId": …}` JSON — or, in the
  legacy format, two (`V1`…`V10` and question ids, then `ResponseID`, `ResponseSet`, `Name`,
  `ExternalDataReference`, `EmailAddress`, … and the question texts); metadata columns such as
  `ResponseId`, `Finished`, `Progress`, `RecipientEmail`, `ExternalReference`, and Text iQ's
  analysis columns after an open question (`Q5 - Topics`, …), which are the tool's reading.
- **LimeSurvey** (CSV or XLSX, answer codes or full answers, question codes or full question texts
  as headings): one header row; metadata columns `id`, `submitdate` (empty for an unfinished
  response), `lastpage`, `startlanguage`, `seed`, `token`, `startdate`, `datestamp`, and the
  participant attributes (`email`, `firstname`, `lastname`) when they were exported.

Respondents are matched to invitations by e-mail address or by the tool's own identifier (a
LimeSurvey token, a Qualtrics external data reference or response ID) through a participant list
exported from the tool (`participant_list`). Answer codes are given meanings the lead confirms
(`codes`). Unfinished responses are left out unless the lead imports them in progress.

A file collected through an anonymous link (no e-mail column, or only empty or "anonymous" cells)
is read with `unmatched=True` and written as unmatched responses: answers to the wave that belong to
no participant (`surveys.models.Invitation.unmatched`).

Like the participant import, reading and checking (`read_responses`, `plan_response_import`) write
nothing; `tandem.surveys.services.responses_import_commit` writes a valid plan in one transaction.

`formats` knows each tool's layout, `reading` reads a file, `planning` checks it against a wave;
every name is importable from here.
"""

from tandem.surveys.response_import.codes import (
    BLANK,
    DONT_KNOW,
    CodeScheme,
    code_schemes,
    meaning_choices,
    suggest_codes,
)
from tandem.surveys.response_import.formats import (
    EMAIL_COLUMNS,
    KEY_COLUMNS,
    LIMESURVEY_METADATA,
    LIMESURVEY_TIMING,
    MSFORMS_METADATA,
    QUALTRICS_METADATA,
    QUALTRICS_TEXT_IQ,
    RESPONSE_ID_COLUMNS,
    SOURCE_NAMES,
    SOURCES,
    SUBMITTED_COLUMNS,
)
from tandem.surveys.response_import.participant_list import (
    ParticipantList,
    read_participant_list,
)
from tandem.surveys.response_import.planning import (
    INCOMPLETE_CHOICES,
    MappingFile,
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
    "BLANK",
    "DONT_KNOW",
    "EMAIL_COLUMNS",
    "INCOMPLETE_CHOICES",
    "KEY_COLUMNS",
    "LIMESURVEY_METADATA",
    "LIMESURVEY_TIMING",
    "MSFORMS_METADATA",
    "QUALTRICS_METADATA",
    "QUALTRICS_TEXT_IQ",
    "RESPONSE_ID_COLUMNS",
    "SOURCES",
    "SOURCE_NAMES",
    "SUBMITTED_COLUMNS",
    "CodeScheme",
    "MappingFile",
    "ParsedResponses",
    "ParticipantList",
    "PlannedResponse",
    "ResponseError",
    "ResponsePlan",
    "SourceRow",
    "code_schemes",
    "mapping_from_yaml",
    "meaning_choices",
    "plan_response_import",
    "read_participant_list",
    "read_responses",
    "suggest_codes",
    "suggest_mapping",
]
