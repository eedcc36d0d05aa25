"""Shared set-ups for the networks tests: the demo's two stock takes, and two late joiners."""

from __future__ import annotations

import pytest

from tandem import demo as demo_module
from tandem.networks import selectors
from tandem.surveys.models import Invitation, InvitationStatus, Wave


@pytest.fixture
def stock_takes(demo: demo_module.DemoProgramme, nothing_read_yet: None) -> tuple[Wave, Wave]:
    """The demo's two stock takes, with nothing read yet (the demo's frozen evaluation has shown
    their networks; these tests decide for themselves what has been read)."""
    waves = Wave.objects.filter(programme=demo.programme)
    return waves.get(kind="baseline"), waves.get(kind="repeat")


@pytest.fixture
def late_joiners(stock_takes: tuple[Wave, Wave]) -> set[str]:
    """Two of the repeat's 17 roster respondents lose their baseline: 20 then 17, 15 matched.

    Returns their codes. Their pattern of stock takes answered is shared by 2 people, fewer than
    k, so they are left off maps; and the 15 matched people differ from the repeat's 17 by 2.
    """
    baseline, repeat = stock_takes
    both = sorted(
        repeat.invitations.programme_group()
        .filter(status=InvitationStatus.SUBMITTED)
        .values_list("participant_id", flat=True)
    )
    assert len(both) == 17
    Invitation.objects.filter(wave=baseline, participant_id__in=both[:2]).update(
        status=InvitationStatus.IN_PROGRESS
    )
    codes = selectors.pseudonyms(programme=baseline.programme)
    return {codes[pk] for pk in both[:2]}
