"""The programme lead's pages for coding open answers and interview notes (no JavaScript needed).

Every view finds the programme through the page layer (`tandem.web.programme_page`, for the
lead: people outside the programme get 404, its other members 403) before anything else is
read, then the wave or object through a selector, which checks the lead again (the rule is
read from `programmes.access.Access`). One module per area: the codebook and its downloads,
coding a wave's sources, the review before release, theme suggestions and the summary;
`urls.py` takes every view from here.
"""

from tandem.coding.views.codebook import (
    code_delete,
    code_edit,
    codebook,
    export_codebook,
    export_project,
)
from tandem.coding.views.review import excerpt_review, review
from tandem.coding.views.sources import answer_coding, excerpt_delete, note_coding, wave_coding
from tandem.coding.views.themes import summary, theme_accept, theme_reject, themes

__all__ = [
    "answer_coding",
    "code_delete",
    "code_edit",
    "codebook",
    "excerpt_delete",
    "excerpt_review",
    "export_codebook",
    "export_project",
    "note_coding",
    "review",
    "summary",
    "theme_accept",
    "theme_reject",
    "themes",
    "wave_coding",
]
