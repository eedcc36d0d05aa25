"""The lead's summary page: what reports will show of a wave's coding, read at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.coding.selectors.access import require_lead_of_closed
from tandem.coding.selectors.frequencies import (
    CodeCooccurrence,
    CodeFrequencies,
    cooccurrence_of,
    frequencies_of,
)
from tandem.coding.selectors.quotations import ExcerptRelease, release_of
from tandem.coding.selectors.wave_themes import WaveThemes
from tandem.surveys.models import Wave


@dataclass(frozen=True)
class CodingSummary:
    frequencies: CodeFrequencies
    cooccurrence: CodeCooccurrence
    release: ExcerptRelease


def coding_summary(*, viewer: Any, wave: Wave, approved_only: bool = True) -> CodingSummary:
    """The lead's summary page: the three reads above, sharing what they read (a closed wave)."""
    require_lead_of_closed(viewer=viewer, wave=wave)
    themes = WaveThemes(wave, approved_only=approved_only)
    return CodingSummary(
        frequencies=frequencies_of(themes),
        cooccurrence=cooccurrence_of(themes),
        # Quotations are of approved excerpts whatever the page counts: they use no units.
        release=release_of(themes, None),
    )
