from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem import cli
from tandem.surveys import services
from tandem.surveys.models import Invitation, Wave, WaveKind

from ..conftest import participant_named


@pytest.fixture
def open_wave(demo) -> Wave:
    """A stock-take wave open today for the demo's 24 participants."""
    today = timezone.localdate()
    return services.wave_create(
        programme=demo.programme,
        title="Stock take (test)",
        kind=WaveKind.BASELINE,
        instrument_id="stock-take",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=14),
    )


@pytest.fixture
def invitation(open_wave: Wave, demo) -> Invitation:
    return open_wave.invitations.get(participant=participant_named(demo, "Dr Amara Okafor"))


@pytest.fixture
def run(capsys):
    """The `tandem` command, run in-process: (exit code, stdout, stderr)."""

    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run
