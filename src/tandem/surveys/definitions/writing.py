"""Writing YAML (round trip: a wave can store the exact definition it was run with)."""

from __future__ import annotations

from typing import Any

import yaml

from tandem.surveys.definitions.model import Instrument
from tandem.surveys.definitions.section_types import SECTION_TYPES


def instrument_to_dict(instrument: Instrument) -> dict[str, Any]:
    """The plain-data form that `load_instrument_text` reads back to an equal `Instrument`."""
    response_scales: dict[str, Any] = {}
    for scale_id, response_scale in instrument.response_scales.items():
        spec: dict[str, Any] = {
            "kind": response_scale.kind,
            "options": [
                {"value": option.value, "label": option.label} for option in response_scale.options
            ],
        }
        if response_scale.dont_know is not None:
            spec["dont_know"] = response_scale.dont_know.label
        response_scales[scale_id] = spec
    scales: dict[str, Any] = {}
    for scale_id, scale in instrument.scales.items():
        scales[scale_id] = {"title": scale.title}
        if scale.description:
            scales[scale_id]["description"] = scale.description
    dumped: dict[str, Any] = {
        "id": instrument.id,
        "version": instrument.version,
        "kind": instrument.kind,
        "title": instrument.title,
    }
    if instrument.description:
        dumped["description"] = instrument.description
    dumped["response_scales"] = response_scales
    dumped["scales"] = scales
    dumped["sections"] = [
        SECTION_TYPES[section.type].dump(section) for section in instrument.sections
    ]
    return dumped


def dump_instrument(instrument: Instrument) -> str:
    """The instrument as YAML text, keys in the order an author would write them."""
    return yaml.safe_dump(
        instrument_to_dict(instrument), sort_keys=False, allow_unicode=True, width=100
    )
