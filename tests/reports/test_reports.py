"""Feedback and comparison reports: right numbers, nothing under k, nothing before release."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tandem.programmes.models import Programme, Role
from tandem.reports.feedback import build_comparison, build_feedback
from tandem.reports.models import ReportPDF
from tandem.surveys import services
from tandem.surveys.models import Answer, Invitation, InvitationStatus, Wave

from ..pdf import pdf_text


@pytest.fixture
def baseline(demo) -> Wave:
    """The demo's baseline, taken back to "not released" so that each test can release it."""
    return services.wave_withdraw(
        wave=Wave.objects.get(programme=demo.programme, title="Baseline stock take")
    )


@pytest.fixture
def repeat(demo) -> Wave:
    return services.wave_withdraw(
        wave=Wave.objects.get(programme=demo.programme, title="Repeat stock take")
    )


def url(demo, wave: Wave, suffix: str = "") -> str:
    return f"/programmes/{demo.programme.slug}/reports/waves/{wave.pk}/{suffix}"


def reference_scale_mean(wave: Wave, scale: str) -> float:
    """The whole group's mean on a scale, computed the long way from the stored answers."""
    instrument = wave.instrument
    items = instrument.scale_items(scale)
    rows = (
        Answer.objects.filter(
            invitation__wave=wave,
            invitation__status=InvitationStatus.SUBMITTED,
            item_id__in=[i.id for i in items],
        )
        .exclude(  # a comparison group's answers are in no programme figure
            invitation__participant__role=Role.COMPARISON
        )
        .filter(
            dont_know=False,
            value__isnull=False,
        )
        .values_list("invitation_id", "item_id", "value")
    )
    frame = pd.DataFrame(list(rows), columns=["person", "item", "value"])
    reverse = {i.id for i in items if i.reverse}
    frame["value"] = [
        6 - v if item in reverse else v
        for item, v in zip(frame["item"], frame["value"], strict=True)
    ]
    per_person = frame.groupby("person")["value"].agg(["mean", "count"])
    kept = per_person[per_person["count"] >= len(items) / 2]
    return float(kept["mean"].mean())


def test_scale_means_match_a_hand_computation_from_the_answers(baseline) -> None:
    report = build_feedback(baseline)
    for scale in report.scales:
        assert scale.overall.value == pytest.approx(
            reference_scale_mean(baseline, scale.id), abs=1e-12
        )


def test_the_lead_previews_an_unreleased_report_but_nobody_else_can(
    lead_client, participant_client, demo, baseline
) -> None:
    html = lead_client.get(url(demo, baseline)).content.decode()
    assert "Not released yet" in html and "Communication between doctors and managers" in html
    response = participant_client.get(url(demo, baseline))
    assert response.status_code == 403
    assert "not been released" in response.content.decode()


def test_after_release_everyone_in_the_programme_reads_it(
    lead_client, participant_client, sponsor_client, demo, baseline
) -> None:
    response = lead_client.post(url(demo, baseline, "release/"), follow=True)
    assert "Released the report" in response.content.decode()
    for client in (participant_client, sponsor_client):
        html = client.get(url(demo, baseline)).content.decode()
        assert "Strengths and areas to develop" in html
        assert "Release this report" not in html


def test_outsiders_cannot_find_a_report(outsider_client, demo, baseline) -> None:
    services.wave_release(wave=baseline, actor=None)
    assert outsider_client.get(url(demo, baseline)).status_code == 404
    assert outsider_client.get(f"/programmes/{demo.programme.slug}/reports/").status_code == 404


def test_an_open_wave_cannot_be_released(lead_client, demo) -> None:
    pulse = Wave.objects.get(programme=demo.programme, title="Pair check-in")
    response = lead_client.post(url(demo, pulse, "release/"), follow=True)
    assert "Close the wave before releasing its report." in response.content.decode()
    pulse.refresh_from_db()
    assert pulse.released_at is None


def test_groups_under_k_are_hidden_with_their_complement(lead_client, demo, baseline) -> None:
    # 11 doctors and 11 managers responded. With k = 12 neither group may be shown, and the
    # response counts by group are hidden too; the whole group (22) still is.
    Programme.objects.filter(pk=demo.programme.pk).update(min_group_size=12, min_text_group_size=12)
    baseline.refresh_from_db()
    report = build_feedback(baseline)
    assert all(scale.overall.shown for scale in report.scales)
    assert not any(f.shown for scale in report.scales for f in scale.by_group.values())
    assert [row.responded for row in report.response] == [None, None]
    html = lead_client.get(url(demo, baseline)).content.decode()
    assert "Hidden: fewer than 12 people answered." in html


def test_one_small_group_takes_a_second_one_with_it(demo, baseline, nothing_read_yet) -> None:
    # Managers' responses withdrawn from the count until 8 are left: managers fall under k = 9
    # while doctors do not — and doctors must be hidden too, or managers = everyone − doctors.
    Programme.objects.filter(pk=demo.programme.pk).update(min_group_size=9)
    baseline.refresh_from_db()
    submitted = baseline.invitations.filter(status=InvitationStatus.SUBMITTED)
    assert submitted.filter(participant__person__profession="doctor").count() >= 9
    managers = list(submitted.filter(participant__person__profession="manager"))[8:]
    Invitation.objects.filter(pk__in=[m.pk for m in managers]).update(
        status=InvitationStatus.IN_PROGRESS
    )
    report = build_feedback(baseline)
    communication = next(s for s in report.scales if s.id == "communication")
    assert communication.overall.shown
    assert communication.by_group["Managers"].hidden == "Hidden: fewer than 9 people answered."
    assert (
        communication.by_group["Doctors"].hidden
        == "Hidden so that a smaller group cannot be worked out by subtraction."
    )


def test_only_approved_redacted_excerpts_of_open_answers_reach_a_report(
    lead_client, demo, baseline, repeat
) -> None:
    from tandem.coding.models import Excerpt, ReviewStatus

    services.wave_release(wave=baseline, actor=None)
    Excerpt.objects.filter(wave=baseline).update(status=ReviewStatus.PENDING)
    texts = set(
        Answer.objects.filter(invitation__wave=baseline)
        .exclude(text="")
        .values_list("text", flat=True)
    )
    assert any("Okafor" in text for text in texts)
    pages = [
        lead_client.get(url(demo, baseline)).content.decode(),
        lead_client.get(
            f"/programmes/{demo.programme.slug}/reports/compare/{baseline.pk}/{repeat.pk}/"
        ).content.decode(),
    ]
    assert not any(text in page for text in texts for page in pages)
    Excerpt.objects.filter(wave=baseline).update(status=ReviewStatus.APPROVED)
    html = lead_client.get(url(demo, baseline)).content.decode()
    assert "[name] and I now agree the agenda" in html
    assert "Okafor and I" not in html


def test_comparison_shows_improvement_only_where_the_holm_adjusted_p_says_so(
    lead_client, demo, baseline, repeat
) -> None:
    report = build_comparison(baseline, repeat)
    verdicts = {row.id: row.verdict for row in report.rows}
    assert verdicts["communication"] == "improved"
    assert verdicts["linking"] == "no clear evidence of change"
    for row in report.rows:
        assert (row.verdict == "improved") == (
            row.p_holm is not None and row.p_holm < 0.05 and row.mean_diff > 0
        )
    html = lead_client.get(
        f"/programmes/{demo.programme.slug}/reports/compare/{baseline.pk}/{repeat.pk}/"
    ).content.decode()
    assert "significant" not in html.lower()
    assert "Improved" in html and "No clear evidence of change" in html


def test_the_comparison_report_holds_no_attrition_count_below_k(demo, baseline, repeat) -> None:
    """Who answered both waves or only one is suppressed in the report object itself: the page,
    the PDF and the API print what it holds, so none of them can show a count below k."""
    first = build_comparison(baseline, repeat)
    shown = sorted(c for c in (first.both, first.before_only, first.after_only) if c is not None)
    assert shown, "the demo has a matched group of at least k"
    # A k just above the smallest count shown: that count must now be held back.
    for k in (demo.programme.min_group_size, shown[0] + 1):
        Programme.objects.filter(pk=demo.programme.pk).update(min_group_size=k)
        before, after = (Wave.objects.get(pk=wave.pk) for wave in (baseline, repeat))
        report = build_comparison(before, after)
        counts = (report.both, report.before_only, report.after_only)
        for count in counts:
            assert count is None or count >= k
            text = report.attrition_text(count)
            assert text == (f"fewer than {k}" if count is None else str(count))
        assert sum(count is None for count in counts) >= (k > shown[0])


def test_comparison_needs_both_waves_released_for_participants(
    participant_client, demo, baseline, repeat
) -> None:
    path = f"/programmes/{demo.programme.slug}/reports/compare/{baseline.pk}/{repeat.pk}/"
    services.wave_release(wave=baseline, actor=None)
    assert participant_client.get(path).status_code == 403
    services.wave_release(wave=repeat, actor=None)
    assert participant_client.get(path).status_code == 200


def test_the_comparison_pdf_refuses_what_the_comparison_page_refuses(
    lead_client, demo, baseline, repeat
) -> None:
    from tandem.surveys.models import WaveKind

    pulse = Wave.objects.filter(programme=demo.programme, kind=WaveKind.PULSE).first()
    assert pulse is not None
    root = f"/programmes/{demo.programme.slug}/reports/compare"
    for before, after in ((baseline, baseline), (repeat, baseline), (baseline, pulse)):
        page = lead_client.get(f"{root}/{before.pk}/{after.pk}/")
        pdf = lead_client.get(f"{root}/{before.pk}/{after.pk}/pdf/")
        assert page.status_code == pdf.status_code == 404
    assert not ReportPDF.objects.filter(kind="comparison").exists()
    assert lead_client.get(f"{root}/{baseline.pk}/{repeat.pk}/pdf/").status_code == 202


def test_pdf_is_built_once_and_served_until_the_data_changes(lead_client, demo, baseline) -> None:
    from tandem.reports.tasks import build_report_pdf

    # Asking queues a job (the test runs it by hand, as the worker would) and says it is coming.
    first = lead_client.get(url(demo, baseline, "pdf/"))
    assert first.status_code == 202
    record = ReportPDF.objects.get(wave=baseline)
    build_report_pdf.call(record.pk)
    response = lead_client.get(url(demo, baseline, "pdf/"))
    # Reading the streamed file to the end closes it (the test client's wrapper does so).
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF")
    b"".join(lead_client.get(url(demo, baseline, "pdf/")).streaming_content)
    assert ReportPDF.objects.filter(wave=baseline).count() == 1
    # Releasing changes the report ("draft" goes), so a new PDF is asked for.
    services.wave_release(wave=baseline, actor=None)
    assert lead_client.get(url(demo, baseline, "pdf/")).status_code == 202
    assert ReportPDF.objects.filter(wave=baseline).count() == 2


def test_a_cached_pdf_is_rebuilt_when_a_quotation_is_withdrawn_or_its_writer_erased(
    demo, baseline
) -> None:
    from tandem.coding.models import Excerpt, ReviewStatus
    from tandem.gdpr.services import person_erase
    from tandem.reports.pdf import fingerprint

    services.wave_release(wave=baseline, actor=None)
    first = fingerprint(baseline)
    assert fingerprint(baseline) == first  # nothing changed, nothing to rebuild
    approved = list(
        Excerpt.objects.filter(wave=baseline, status=ReviewStatus.APPROVED, answer__isnull=False)
        .exclude(redacted_text="")
        .select_related("answer__invitation__participant__person")
        .order_by("pk")
    )
    texts = [excerpt.redacted_text for excerpt in approved]
    # One whose words nobody else's approved passage repeats (the demo's answers share a bank of
    # sentences, and a report quotes the same words once).
    quoted = next((e for e in approved if texts.count(e.redacted_text) == 1), None)
    assert quoted is not None, "the demo approves a quotation only one person wrote"
    Excerpt.objects.filter(pk=quoted.pk).update(status=ReviewStatus.PENDING)
    second = fingerprint(baseline)
    assert second != first
    Excerpt.objects.filter(pk=quoted.pk).update(status=ReviewStatus.APPROVED)
    assert fingerprint(baseline) == first
    person_erase(person=quoted.answer.invitation.participant.person)
    assert fingerprint(baseline) not in {first, second}


def test_while_the_pdf_is_being_made_the_page_says_so_and_never_refreshes_itself(
    lead_client, demo, baseline, settings
) -> None:
    from tandem.audit.models import AuditEvent
    from tandem.reports.tasks import build_report_pdf

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    response = lead_client.get(url(demo, baseline, "pdf/"))
    assert response.status_code == 202
    html = response.content.decode()
    assert "Preparing the PDF" in html
    # No meta refresh (WCAG 2.2.1): a link to check again, and a script that only asks.
    assert "http-equiv" not in html
    assert re.search(r'<a href="[^"]*/pdf/" data-pdf-download>Check again', html)
    assert "tandem/pdf-status" in html
    # What the script asks: ready or not, as JSON, handing over nothing and auditing nothing.
    downloads = AuditEvent.objects.filter(action="report.download").count()
    assert lead_client.get(url(demo, baseline, "pdf/?status")).json() == {"status": "pending"}
    build_report_pdf.call(ReportPDF.objects.get(wave=baseline).pk)
    status = lead_client.get(url(demo, baseline, "pdf/?status"))
    assert status["Content-Type"] == "application/json"
    assert status.json() == {"status": "ready"}
    assert AuditEvent.objects.filter(action="report.download").count() == downloads


def test_the_pdf_text_holds_the_report(demo, baseline, tmp_path) -> None:
    from tandem import cli

    out = tmp_path / "feedback.pdf"
    assert cli.main(["report", "wave", str(baseline.pk), "--pdf", str(out)]) == 0
    text = pdf_text(out.read_bytes())
    assert "Feedback report: Baseline stock take" in text
    assert "fewer than 5 people" in text
    assert "Communication between doctors and managers" in text
