"""An instrument's measured scales as the analysis library's scale definitions.

Used by every app that scores a questionnaire (reports, workshops' meeting pulse), so it lives with
the instruments rather than in any one of them.
"""

from __future__ import annotations

from tandem.analysis.scoring import ScaleDefinition
from tandem.surveys.instruments import Instrument


def scale_definitions(instrument: Instrument) -> list[ScaleDefinition]:
    """The instrument's measured scales, with their reverse-keyed items and value range."""
    definitions = []
    for scale in instrument.scales.values():
        items = instrument.scale_items(scale.id)
        if not items:
            continue
        response_scale = instrument.response_scales[items[0].response_scale or ""]
        values = response_scale.values
        definitions.append(
            ScaleDefinition(
                id=scale.id,
                items=tuple(item.id for item in items),
                reverse=frozenset(item.id for item in items if item.reverse),
                min_value=min(values),
                max_value=max(values),
            )
        )
    return definitions
