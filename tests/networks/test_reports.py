"""The network section of the feedback and comparison reports."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tandem import demo as demo_module
from tandem.networks.models import RosterEntry
from tandem.reports.feedback import build_comparison, build_feedback
from tandem.surveys.models import Wave

pytestmark = pytest.mark.django_db


def _waves(demo: demo_module.DemoProgramme) -> tuple[Wave, Wave]:
    waves = Wave.objects.filter(programme=demo.programme)
    return waves.get(kind="baseline"), waves.get(kind="repeat")


def test_feedback_report_has_a_network_section_with_indices_and_a_map(
    demo: demo_module.DemoProgramme, participant_client: Client
) -> None:
    baseline, _ = _waves(demo)
    page = participant_client.get(
        reverse("reports:feedback", args=[demo.programme.slug, baseline.pk])
    ).content.decode()
    assert "Working relationships (network)" in page
    assert "Bridging: density of doctor–manager ties" in page
    assert 'class="tandem-network-svg"' in page
    assert "Anna Kowalski" not in page


def test_comparison_report_says_how_bridging_changed(demo: demo_module.DemoProgramme) -> None:
    baseline, repeat = _waves(demo)
    section = build_comparison(baseline, repeat).network
    assert section is not None and section.hidden is None
    assert any(
        "The density of ties between doctors and managers (talk at least monthly) rose from"
        in sentence
        for sentence in section.sentences
    )
    assert len(section.maps) == 2


def test_the_network_section_is_suppressed_below_k_roster_respondents(
    demo: demo_module.DemoProgramme,
) -> None:
    baseline, _ = _waves(demo)
    first = RosterEntry.objects.filter(invitation__wave=baseline).values_list(
        "invitation_id", flat=True
    )
    keep = sorted(set(first))[:2]
    RosterEntry.objects.filter(invitation__wave=baseline).exclude(invitation_id__in=keep).delete()
    section = build_feedback(baseline).network
    assert section is not None
    assert section.hidden == "Not shown: 2 people answered the roster, fewer than 5."
    assert section.maps == [] and section.rows == []


def test_the_comparison_pdf_draws_the_network_maps(demo: demo_module.DemoProgramme) -> None:
    from tandem.reports.pdf import comparison_pdf

    baseline, repeat = _waves(demo)
    pdf = comparison_pdf(baseline, repeat)
    assert pdf.startswith(b"%PDF")
