"""Questionnaire definitions: the YAML format Tandem's instruments are written in, and its checks.

An instrument (the stock take, a pulse survey) is a versioned YAML file, `<id>-v<version>.yaml`:

    id: stock-take
    version: 1
    kind: stock_take                 # stock_take | pulse
    title: Partnership stock take
    description: Why we ask, and who sees the answers.
    response_scales:
      agreement5:
        kind: likert                 # likert | choice | bipolar
        options:
          - {value: 1, label: Strongly disagree}
          - ...
        dont_know: Don't know        # optional; recorded as missing, never as a score
    scales:
      communication:
        title: Communication between doctors and managers
        description: How quickly and directly the two professions keep each other informed.
    sections:
      - id: communication
        type: likert                 # likert | open | any registered section type
        title: Talking to each other
        intro: A sentence or two shown above the questions.
        response_scale: agreement5   # default for the section's items
        items:
          - {id: comm1, text: ..., scale: communication}
          - {id: comm5, text: ..., scale: communication, reverse: true}
      - id: your_views
        type: open
        title: In your own words
        items:
          - {id: works_well, text: What works well ...?}

A scale's items are the items that name it, in the order they appear, so the file says once which
scale an item belongs to. The loader checks everything a wave relies on before any participant
sees a question: a typo in `reverse` or a scale id would otherwise mis-score a whole wave without a
visible error.

This module is the definitions' public face; the code is in `tandem.surveys.definitions`, one module
per concern: `model` (the dataclasses), `errors` (`InstrumentError` and the checks that word it),
`section_types` (the registry and the likert and open types), `reading` (YAML in, every check),
`writing` (YAML out) and `shipped` (the files in `tandem/instruments/`). It is plain Python (no
Django) so that `tandem.analysis` and the CLI can read the same definitions the web app serves. Section types are pluggable (`register_section_type`, the public
plug-in interface is `tandem.surveys.sections`): the networks app registers its roster section
type from its AppConfig.ready(), so this module needs to know nothing about it.
"""

from tandem.surveys.definitions.errors import InstrumentError
from tandem.surveys.definitions.model import (
    INSTRUMENT_KINDS,
    MIN_SCALE_ITEMS,
    RESPONSE_SCALE_KINDS,
    Instrument,
    Item,
    ResponseOption,
    ResponseScale,
    Scale,
    Section,
)
from tandem.surveys.definitions.reading import load_instrument, load_instrument_text
from tandem.surveys.definitions.section_types import (
    SECTION_TYPES,
    SectionContext,
    SectionDumper,
    SectionType,
    SectionValidator,
    dump_section,
    register_section_type,
)
from tandem.surveys.definitions.shipped import get_instrument, shipped_instruments
from tandem.surveys.definitions.writing import dump_instrument, instrument_to_dict

__all__ = [
    "INSTRUMENT_KINDS",
    "MIN_SCALE_ITEMS",
    "RESPONSE_SCALE_KINDS",
    "SECTION_TYPES",
    "Instrument",
    "InstrumentError",
    "Item",
    "ResponseOption",
    "ResponseScale",
    "Scale",
    "Section",
    "SectionContext",
    "SectionDumper",
    "SectionType",
    "SectionValidator",
    "dump_instrument",
    "dump_section",
    "get_instrument",
    "instrument_to_dict",
    "load_instrument",
    "load_instrument_text",
    "register_section_type",
    "shipped_instruments",
]
