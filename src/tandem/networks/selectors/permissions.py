"""Who may analyse a programme's networks, and which waves: written on the programme's `Access`.

The lead and sponsors (`Access.oversees`) see pseudonymised figures; the lead every closed wave
with a roster, sponsors only those whose report has been released.
"""

from __future__ import annotations

from typing import Any

from tandem.networks.selectors.building import closed_roster_waves
from tandem.programmes.access import Access, ProgrammeAccessDenied, access_for
from tandem.programmes.models import Programme
from tandem.surveys.models import Wave


class NetworkNotAvailable(ProgrammeAccessDenied):
    """The viewer may not see this network view (or this wave's network)."""


def can_see_networks(*, viewer: Any, programme: Programme) -> bool:
    return access_for(viewer=viewer, programme=programme).oversees


def require_analyst(viewer: Any, programme: Programme) -> Access:
    """The viewer's access, if they may see the programme's networks (404 outside it, else 403)."""
    access = access_for(viewer=viewer, programme=programme)
    access.require(
        access.oversees,
        NetworkNotAvailable,
        "Network maps and indices are for the programme lead and sponsors. "
        "Your own working relationships are on your own network page.",
    )
    return access


def network_waves(*, viewer: Any, programme: Programme) -> list[Wave]:
    """Closed waves with a roster the viewer may analyse, oldest first."""
    access = require_analyst(viewer, programme)
    waves = closed_roster_waves(programme)
    if not access.is_lead:
        waves = [wave for wave in waves if wave.released_at is not None]
    return waves


def network_wave_for(*, viewer: Any, programme: Programme, wave_id: int) -> Wave:
    for wave in network_waves(viewer=viewer, programme=programme):
        if wave.pk == wave_id:
            return wave
    raise NetworkNotAvailable("That questionnaire has no network you can see yet.")
