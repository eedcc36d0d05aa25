"""Why a write to a wave or a response is refused."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class WaveClosed(ValidationError):
    """The wave is not open (not yet, or any more): answers are read-only."""


CLOSED_FOR_IMPORT = (
    "This questionnaire has closed, so no responses can be imported into it: its results may "
    "already have been read, and an import would change them by the people added. Import into "
    "a wave that is still open, then close it."
)


class AlreadySubmitted(ValidationError):
    """The response has been submitted; it can no longer be changed."""
