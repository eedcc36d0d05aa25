"""The public interface for questionnaire section plug-ins: how another app adds a kind of section.

The surveys app knows two section types itself ("likert" and "open"). Another app adds one (the
networks app's "roster") without the surveys app importing it, in three parts, all registered
from that app's `AppConfig.ready()` (so they are in place before any questionnaire is read):

1. **The definition** — `register_section_type(name, validator, dumper=…)`. The validator gets
   the section's raw YAML mapping and a `SectionContext` (helpers that check keys, wording,
   response scales and scales and word their errors like the built-in types) and returns a
   `Section`; settings of the type go in `Section.options`. The loader then checks item ids and
   scales for every type alike. `dump_section` is the default way back to YAML.
2. **The respondent's page** — `register_section_page(name, page)`: `page(request, invitation,
   index)` answers `surveys:respond_section` for sections of that type, once the surveys app has
   checked the invitation link and that the wave is open. Draw the template with
   `respondent_context(invitation, **extra)`, the frame every respondent page shares.
3. **The writes** — a section's answers live in the plug-in's own models, never as
   `surveys.Answer` rows (so scoring cannot mistake them for ratings). Each write is one
   transaction that starts `invitation = services.lock_invitation(invitation)` and
   `services.check_writable(invitation)` (refusing a submitted response or a closed wave, as
   `services.AlreadySubmitted` / `services.WaveClosed`) and ends `services.mark_started(
   invitation, section.id)`, exactly as the surveys app's own pages do (`tandem.surveys.services`).

This module is plain Python (no Django at run time), like `tandem.surveys.instruments`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from tandem.surveys.instruments import (
    SECTION_TYPES,
    InstrumentError,
    Item,
    Section,
    SectionContext,
    SectionDumper,
    SectionType,
    SectionValidator,
    dump_section,
    register_section_type,
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from tandem.surveys.models import Invitation

__all__ = [
    "SECTION_TYPES",
    "InstrumentError",
    "Item",
    "Section",
    "SectionContext",
    "SectionDumper",
    "SectionPage",
    "SectionType",
    "SectionValidator",
    "dump_section",
    "register_section_page",
    "register_section_type",
    "respondent_context",
    "section_page",
]

# page(request, invitation, index of the section in the instrument) -> the response.
SectionPage: TypeAlias = "Callable[[HttpRequest, Invitation, int], HttpResponse]"

# Section types whose page another app serves, by type name.
SECTION_PAGES: dict[str, SectionPage] = {}


def register_section_page(section_type: str, page: SectionPage) -> None:
    """Serve sections of `section_type` with `page(request, invitation, index)`."""
    SECTION_PAGES[section_type] = page


def section_page(section_type: str) -> SectionPage | None:
    """The page registered for a section type; None for the types the surveys app draws itself."""
    return SECTION_PAGES.get(section_type)


def respondent_context(invitation: Invitation, **extra: Any) -> dict[str, Any]:
    """What every respondent page's template reads: the invitation, its wave and instrument, the
    programme's name and thresholds (k, k_text) — plus `extra`, which wins."""
    wave = invitation.wave
    instrument = wave.instrument
    context = {
        "invitation": invitation,
        "wave": wave,
        "programme_name": wave.programme.name,
        "header_organisation": wave.programme.organisation.name,
        "instrument": instrument,
        "sections": instrument.sections,
        "k": wave.programme.min_group_size,
        "k_text": wave.programme.min_text_group_size,
        # A comparison respondent (outside the programme): their answers count only in the
        # comparison group's figures, and their written answers are not read or analysed.
        "comparison": invitation.participant is not None
        and invitation.participant.role == "comparison",
        "has_dont_know": any(
            scale.dont_know is not None for scale in instrument.response_scales.values()
        ),
    }
    context.update(extra)
    return context
