"""Who may code: the programme lead (superusers act as leads), and only once the wave has closed.

The lead-only rule is read from the programme's `Access` (`tandem.programmes.access`): outsiders
are told the programme is not there (`ProgrammeNotFound`), its other members are refused
(`ProgrammeAccessDenied`).
"""

from __future__ import annotations

from typing import Any, Literal

from tandem.programmes.access import (
    Access,
    ProgrammeAccessDenied,
    access_for,
)
from tandem.programmes.models import Programme
from tandem.surveys.models import Wave

SourceKind = Literal["answer", "interview"]

LEAD_ONLY = "Only the programme lead codes and reviews open answers and interview notes."


def require_lead(*, viewer: Any, programme: Programme) -> Access:
    """Raise unless the viewer leads the programme: not found for outsiders, denied for others."""
    access = access_for(viewer=viewer, programme=programme)
    access.require(access.can_manage, ProgrammeAccessDenied, LEAD_ONLY)
    return access


class CodingNotOpenYet(ProgrammeAccessDenied):
    """The wave has not closed yet: its written answers are not coded until it closes."""


def coding_closed_message(wave: Wave) -> str:
    return (
        f"Coding opens when the questionnaire closes on {wave.closes_on:%-d %B %Y} (or when "
        "the programme lead closes it earlier), so that a written answer that appears just after "
        "someone submits cannot be tied to them."
    )


def require_closed(*, wave: Wave) -> None:
    """Raise `CodingNotOpenYet` unless the wave has closed (its answers can no longer change)."""
    if not wave.has_closed():
        raise CodingNotOpenYet(coding_closed_message(wave))


def require_lead_of_closed(*, viewer: Any, wave: Wave) -> None:
    require_lead(viewer=viewer, programme=wave.programme)
    require_closed(wave=wave)
