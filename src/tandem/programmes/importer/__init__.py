"""Reading and checking a participant list (CSV or XLSX) before anything is written.

The import is two steps: `plan_participant_import` reads the whole file and reports every
problem by row and column; only a plan with no errors can be committed, in one transaction, by
`tandem.programmes.services.participants_import_commit`. The web page and `tandem import
participants` share both steps, so they report the same problems in the same words.
"""

from tandem.programmes.importer.participants import plan_participant_import, template_csv
from tandem.programmes.importer.plan import (
    COLUMN_ALIASES,
    COLUMNS,
    LEVEL_WORDS,
    PROFESSION_WORDS,
    REQUIRED_COLUMNS,
    ROLE_WORDS,
    ImportPlan,
    ParticipantRow,
    PlannedPair,
)
from tandem.programmes.importer.tables import (
    OLE_MAGIC,
    XLSX_MAGIC,
    ImportFileError,
    RowError,
    header_positions,
    read_table,
)

__all__ = [
    "COLUMNS",
    "COLUMN_ALIASES",
    "LEVEL_WORDS",
    "OLE_MAGIC",
    "PROFESSION_WORDS",
    "REQUIRED_COLUMNS",
    "ROLE_WORDS",
    "XLSX_MAGIC",
    "ImportFileError",
    "ImportPlan",
    "ParticipantRow",
    "PlannedPair",
    "RowError",
    "header_positions",
    "plan_participant_import",
    "read_table",
    "template_csv",
]
