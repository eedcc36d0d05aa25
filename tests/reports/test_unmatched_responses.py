"""Unmatched responses (imported from an anonymous export) in the reports: counted in their own
wave's feedback report, suppressed like any group, and left out of before/after comparisons with
a count that respects k."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tandem.disclosure.models import DisclosedPopulation
from tandem.reports.feedback import build_comparison, build_feedback
from tandem.surveys import services
from tandem.surveys.models import Answer, AnswerSource, Invitation, InvitationStatus, Wave


@pytest.fixture
def baseline(demo) -> Wave:
    return services.wave_withdraw(
        wave=Wave.objects.get(programme=demo.programme, title="Baseline stock take")
    )


@pytest.fixture
def repeat(demo) -> Wave:
    return services.wave_withdraw(
        wave=Wave.objects.get(programme=demo.programme, title="Repeat stock take")
    )


def add_unmatched(wave: Wave, n: int, value: int = 2) -> None:
    """`n` responses as `responses_import_commit` writes an anonymous file's rows (the import
    itself refuses a closed wave; these stand for an import made while it was open)."""
    likert = [item.id for item in wave.instrument.likert_items]
    for number in range(n):
        invitation = Invitation.objects.create(
            wave=wave,
            participant=None,
            unmatched=True,
            import_ref=f"msforms:{number}",
            status=InvitationStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        Answer.objects.bulk_create(
            [
                *(
                    Answer(
                        invitation=invitation, item_id=item, value=value, source=AnswerSource.IMPORT
                    )
                    for item in likert
                ),
                # A written answer too: the wave's coding counts its writer (no one's id).
                Answer(
                    invitation=invitation,
                    item_id="works_well",
                    text="The weekly huddle.",
                    source=AnswerSource.IMPORT,
                ),
            ]
        )


def test_a_comparison_leaves_unmatched_responses_out_and_says_how_many(
    lead_client, demo, baseline, repeat, nothing_read_yet
) -> None:
    without = build_comparison(baseline, repeat)
    assert without.unmatched_left_out == ""
    DisclosedPopulation.objects.filter(programme=demo.programme).delete()
    add_unmatched(baseline, 6)
    report = build_comparison(baseline, repeat)
    # The matched people and their change are exactly as they were without the six.
    assert [(r.id, r.n_matched, r.mean_diff) for r in report.rows] == [
        (r.id, r.n_matched, r.mean_diff) for r in without.rows
    ]
    assert (report.both, report.before_only) == (without.both, without.before_only)
    assert report.unmatched_left_out.startswith(
        "Left out: responses imported unmatched (6 from Baseline stock take)."
    )
    page = lead_client.get(
        f"/programmes/{demo.programme.slug}/reports/compare/{baseline.pk}/{repeat.pk}/"
    ).content.decode()
    assert "Left out: responses imported unmatched (6 from Baseline stock take)" in page


def test_fewer_than_k_unmatched_responses_left_out_are_not_counted_exactly(
    demo, baseline, repeat, nothing_read_yet
) -> None:
    add_unmatched(baseline, 2)
    report = build_comparison(baseline, repeat)
    assert report.unmatched_before is None and report.unmatched_after == 0
    assert "(fewer than 5 from Baseline stock take)" in report.unmatched_left_out
    assert "2 from" not in report.unmatched_left_out


def test_a_wave_report_counts_unmatched_responses_and_hides_a_small_group_of_them(
    lead_client, demo, baseline, nothing_read_yet
) -> None:
    before = build_feedback(baseline)
    communication_before = next(s for s in before.scales if s.id == "communication")
    DisclosedPopulation.objects.filter(programme=demo.programme).delete()
    add_unmatched(baseline, 2)
    report = build_feedback(baseline)
    communication = next(s for s in report.scales if s.id == "communication")
    assert communication.overall.n == communication_before.overall.n + 2
    assert report.unmatched == 2
    # Two responses are fewer than k: their own cell is hidden, and another with it so that they
    # cannot be worked out from the whole group less the professions.
    assert communication.by_group["Unmatched responses"].hidden
    assert sum(1 for f in communication.by_group.values() if f.hidden) >= 2
    # The response rates count invitees only.
    assert report.response_total.invited == before.response_total.invited
    assert report.response_total.responded == before.response_total.responded
    page = lead_client.get(
        f"/programmes/{demo.programme.slug}/reports/waves/{baseline.pk}/"
    ).content.decode()
    assert "Also 2 responses imported unmatched" in page
