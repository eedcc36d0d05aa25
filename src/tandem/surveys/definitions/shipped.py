"""The instruments shipped in `tandem/instruments/`, read once per process."""

from __future__ import annotations

import functools
from importlib import resources

from tandem.surveys.definitions.errors import known_names
from tandem.surveys.definitions.model import Instrument
from tandem.surveys.definitions.reading import load_instrument_text


@functools.cache
def _shipped() -> tuple[Instrument, ...]:
    # The shipped stock take (v2) has a roster section, a type the networks app registers from
    # its AppConfig.ready() (tandem.surveys.sections): read once Django's apps are loaded.
    folder = resources.files("tandem.instruments")
    found: dict[tuple[str, int], Instrument] = {}
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not entry.name.endswith(".yaml"):
            continue
        instrument = load_instrument_text(entry.read_text(encoding="utf-8"), entry.name)
        found[instrument.key] = instrument
    return tuple(found.values())


def shipped_instruments() -> dict[tuple[str, int], Instrument]:
    """Every definition in `tandem/instruments/`, keyed by (id, version).

    Read once per process: the files are part of the installed package and a wave must see the
    same text throughout. A fresh dict each call, so a caller cannot change another's view.
    """
    return {instrument.key: instrument for instrument in _shipped()}


def get_instrument(instrument_id: str, version: int | None = None) -> Instrument:
    """A shipped instrument; the latest version when `version` is None."""
    versions = {
        key[1]: instrument
        for key, instrument in shipped_instruments().items()
        if key[0] == instrument_id
    }
    if not versions:
        known = known_names({key[0] for key in shipped_instruments()})
        raise LookupError(f"no shipped instrument {instrument_id!r} (shipped: {known})")
    if version is None:
        return versions[max(versions)]
    if version not in versions:
        raise LookupError(
            f"no version {version} of {instrument_id!r} "
            f"(shipped: {', '.join(str(v) for v in sorted(versions))})"
        )
    return versions[version]
