"""The workshops app's permission shape: the programme's `Access`, with the app's own error.

A page asks for the viewer's access several times (the view, its selectors, the template);
`programmes.access.access_for` works it out once per request, so nothing here queries again.
"""

from __future__ import annotations

from typing import Any

from tandem.programmes.access import Access, ProgrammeAccessDenied, access_for
from tandem.programmes.models import Programme, Role

LEAD = Role.PROGRAMME_LEAD
SPONSOR = Role.SPONSOR
COACH = Role.COACH
PARTICIPANT = Role.PARTICIPANT


class WorkshopsAccessDenied(ProgrammeAccessDenied):
    """The viewer has a role in the programme, but not one that shows this."""


def member_access(*, viewer: Any, programme: Programme) -> Access:
    """The viewer's access to the programme; someone with no role in it is told it is not there."""
    access = access_for(viewer=viewer, programme=programme)
    if not access.is_member:
        access.not_found()
    return access


def require_role(access: Access, *roles: str, message: str) -> None:
    access.require(access.has(*roles), WorkshopsAccessDenied, message)
