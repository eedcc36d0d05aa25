"""Questionnaire pages: answering one by invitation link (`respond`), and the programme lead's
waves (`waves`) and response imports (`imports`). `urls.py` takes every view from here.

`register_section_page` belongs to the section plug-in interface (`tandem.surveys.sections`) and
is importable here too.
"""

from tandem.surveys.sections import register_section_page
from tandem.surveys.views.imports import responses_map, responses_upload
from tandem.surveys.views.respond import (
    respond_autosave,
    respond_review,
    respond_section,
    respond_start,
    respond_submit,
)
from tandem.surveys.views.waves import (
    interview_note_add,
    wave_close,
    wave_detail,
    wave_list,
    wave_new,
    wave_send,
)

__all__ = [
    "interview_note_add",
    "register_section_page",
    "respond_autosave",
    "respond_review",
    "respond_section",
    "respond_start",
    "respond_submit",
    "responses_map",
    "responses_upload",
    "wave_close",
    "wave_detail",
    "wave_list",
    "wave_new",
    "wave_send",
]
