"""The programme evaluation report: who reads it, what it shows, what it hides, PDF and CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from tandem import cli
from tandem.audit.models import AuditEvent
from tandem.coaching.models import Attendance, CoachingPlan, CoachingSession
from tandem.disclosure.models import DisclosedPopulation
from tandem.reports.evaluation import build_evaluation
from tandem.reports.models import FrozenEvaluation
from tandem.surveys.models import InvitationStatus, Wave, WaveKind

pytestmark = pytest.mark.django_db


def url(demo, suffix: str = "") -> str:
    return f"/programmes/{demo.programme.slug}/reports/evaluation/{suffix}"


def lead(demo):
    return get_user_model().objects.get(email=demo.lead_email)


def test_the_lead_reads_every_section_filled_from_the_programme(lead_client, demo) -> None:
    response = lead_client.get(url(demo))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Summary",
        "Timeline",
        "Participation",
        "How working relationships changed",
        "Coaching and change",
        "Working relationships (network)",
        "Away days, agreed practices and actions",
        "Service outcomes",
    ):
        assert f">{heading}</h2>" in html
    baseline = Wave.objects.get(programme=demo.programme, kind=WaveKind.BASELINE)
    invited = baseline.invitations.count()
    submitted = baseline.invitations.filter(status=InvitationStatus.SUBMITTED).count()
    assert f"{submitted / invited:.0%}" in html
    assert "Improved" in html
    assert "This is an association, not evidence that one caused the other" in html or (
        "no clear association" in html
    )


def test_coaching_counts_match_the_sessions_recorded(demo) -> None:
    report = build_evaluation(viewer=lead(demo), programme=demo.programme)
    counts = CoachingSession.objects.filter(plan__coachee__programme=demo.programme).aggregate(
        attended=Count("id", filter=Q(attendance=Attendance.ATTENDED))
    )
    assert report.coaching is not None
    assert report.coaching.attended == counts["attended"]


def test_the_dose_association_covers_only_matched_people_with_a_plan(demo) -> None:
    report = build_evaluation(viewer=lead(demo), programme=demo.programme)
    assert report.comparison is not None and report.dose is not None
    matched = report.comparison.both
    assert report.dose.association is not None
    assert demo.programme.min_group_size <= report.dose.association.n <= matched
    assert -1 <= report.dose.association.r <= 1


def test_below_k_the_dose_association_and_changes_are_hidden(lead_client, demo) -> None:
    demo.programme.min_group_size = 40
    demo.programme.save(update_fields=["min_group_size"])
    html = lead_client.get(url(demo)).content.decode()
    assert "fewer than 40 people had both a coaching plan" in html
    assert "Pearson" not in html
    assert "Improved" not in html


def test_frozen_below_k_the_dose_association_is_hidden(lead_client, demo) -> None:
    FrozenEvaluation.objects.filter(programme=demo.programme).delete()
    DisclosedPopulation.objects.filter(programme=demo.programme).delete()
    demo.programme.min_group_size = 40
    demo.programme.save(update_fields=["min_group_size"])
    lead_client.post(url(demo, "freeze/"))
    html = lead_client.get(url(demo)).content.decode()
    assert "fewer than 40 people" in html
    assert "Pearson" not in html


def test_the_association_does_not_move_when_a_coaching_session_is_recorded(
    lead_client, demo
) -> None:
    before = build_evaluation(viewer=lead(demo), programme=demo.programme).dose
    assert before.association is not None and before.frozen_at is not None
    plan = CoachingPlan.objects.filter(coachee__programme=demo.programme).first()
    assert plan is not None
    CoachingSession.objects.create(
        plan=plan, starts_at=timezone.now() - dt.timedelta(days=1), attendance=Attendance.ATTENDED
    )
    after = build_evaluation(viewer=lead(demo), programme=demo.programme).dose
    assert after == before
    html = lead_client.get(url(demo)).content.decode()
    assert f"when the evaluation was frozen on {before.frozen_at:%-d %B %Y}" in html


def test_the_lead_freezes_the_evaluation_once_and_sponsors_cannot(
    lead_client, sponsor_client, demo
) -> None:
    FrozenEvaluation.objects.filter(programme=demo.programme).delete()
    html = lead_client.get(url(demo)).content.decode()
    assert "Freeze the evaluation" in html and "Pearson" not in html
    assert "worked out once, when the programme lead freezes the evaluation" in html
    assert "Freeze the evaluation" not in sponsor_client.get(url(demo)).content.decode()
    assert sponsor_client.post(url(demo, "freeze/")).status_code == 403
    assert not FrozenEvaluation.objects.filter(programme=demo.programme).exists()
    page = lead_client.post(url(demo, "freeze/"), follow=True).content.decode()
    assert "Froze the evaluation" in page and "Pearson" in page
    assert AuditEvent.objects.filter(action="evaluation.freeze").exists()
    again = lead_client.post(url(demo, "freeze/"), follow=True).content.decode()
    assert "it does not change" in again
    assert FrozenEvaluation.objects.filter(programme=demo.programme).count() == 1


def test_sponsors_read_it_participants_and_coaches_may_not_outsiders_never_learn_of_it(
    sponsor_client, participant_client, coach_client, outsider_client, demo
) -> None:
    assert sponsor_client.get(url(demo)).status_code == 200
    assert participant_client.get(url(demo)).status_code == 403
    assert coach_client.get(url(demo)).status_code == 403
    assert outsider_client.get(url(demo)).status_code == 404
    assert participant_client.get(url(demo, "pdf/")).status_code == 403


def test_the_pdf_download_is_a_pdf_and_is_audited(lead_client, demo) -> None:
    before = AuditEvent.objects.filter(action="report.evaluation.download").count()
    response = lead_client.get(url(demo, "pdf/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="report.evaluation.download").first()
    assert AuditEvent.objects.filter(action="report.evaluation.download").count() == before + 1
    assert event is not None and event.programme_id == demo.programme.pk


def test_the_cli_writes_the_pdf_and_rejects_an_unknown_programme(demo, tmp_path, capsys) -> None:
    out = tmp_path / "evaluation.pdf"
    assert cli.main(["report", "evaluation", demo.programme.slug, "--pdf", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert cli.main(["report", "evaluation", "no-such-programme", "--pdf", str(out)]) == 2
    assert "No programme with the slug" in capsys.readouterr().err


def test_the_reports_index_links_the_evaluation_for_the_lead_only(
    lead_client, participant_client, demo
) -> None:
    index = f"/programmes/{demo.programme.slug}/reports/"
    assert "Programme evaluation" in lead_client.get(index).content.decode()
    assert "Programme evaluation" not in participant_client.get(index).content.decode()


def test_actions_and_kpis_are_counted_from_the_programme(demo) -> None:
    from tandem.outcomes.models import Kpi
    from tandem.workshops.models import Action

    report = build_evaluation(viewer=lead(demo), programme=demo.programme)
    assert report.workshops is not None and report.outcomes is not None
    counted = sum(n for label, n in report.workshops.actions.items() if label != "Overdue")
    assert counted == Action.objects.filter(programme=demo.programme).count()
    services = demo.programme.pairs.values("service")
    assert len(report.outcomes.shifts) == Kpi.objects.filter(service__in=services).count()


def test_the_network_change_is_hidden_when_fewer_than_k_answered_the_roster(demo) -> None:
    demo.programme.min_group_size = 40
    demo.programme.save(update_fields=["min_group_size"])
    report = build_evaluation(viewer=lead(demo), programme=demo.programme)
    assert report.network is not None
    assert report.network.hidden is not None and "fewer than 40" in report.network.hidden
    assert report.network.sentences == []
