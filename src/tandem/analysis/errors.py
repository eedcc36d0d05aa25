"""The one exception the analysis library raises for bad input.

Callers (the CLI, the web app's import pages) catch it and show its message as it stands, so every
message names the file, column, row, value or person that is wrong and says what was expected.
"""

from __future__ import annotations


class AnalysisInputError(ValueError):
    """Input that the statistics cannot be computed from, with a message a user can act on."""
