"""The listed writes, reads and downloads leave an audit event; refused or failed ones leave none."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tandem import cli
from tandem.audit.models import AuditEvent
from tandem.demo import email_for
from tandem.programmes import services as programme_services
from tandem.programmes.models import Participant, Role
from tandem.surveys import services as survey_services
from tandem.typology import services as typology_services
from tandem.typology.models import TypeProfile

LEAD = email_for("Priya Sandhu")


def _events(action: str):
    return AuditEvent.objects.filter(action=action)


def test_milestone_created_on_the_page_is_audited_with_the_lead_and_request(
    lead_client: Client, demo
) -> None:
    response = lead_client.post(
        f"/programmes/{demo.programme.slug}/milestones/new/",
        {"kind": "away_day", "title": "Audit day", "start_date": "2026-03-01"},
        HTTP_X_REQUEST_ID="req-milestone",
    )
    assert response.status_code in {200, 302}
    event = _events("milestone.create").get(request_id="req-milestone")
    assert event.actor.email == LEAD
    assert event.actor_label == f"user {event.actor_id}"
    assert event.programme_id == demo.programme.pk
    assert event.request_id == "req-milestone"
    assert event.subject_type == "programmes.milestone"


def test_a_failed_write_leaves_no_event(demo) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        programme_services.milestone_create(
            programme=demo.programme,
            kind="nonsense",
            title="",
            start_date=demo.programme.start_date,
        )
    assert AuditEvent.objects.count() == before


def test_wave_close_and_release_are_audited(demo) -> None:
    wave = (
        demo.programme.waves.filter(closed_at__isnull=True).first() or demo.programme.waves.first()
    )
    wave.closed_at = None
    wave.released_at = None
    wave.save()
    survey_services.wave_close(wave=wave)
    survey_services.wave_release(wave=wave, actor=None)
    assert _events("wave.close").filter(subject_id=str(wave.pk)).exists()
    assert _events("wave.release").filter(subject_id=str(wave.pk)).exists()


def test_consent_change_is_audited(demo) -> None:
    profile = TypeProfile.objects.exclude(best_fit_type="").first()
    typology_services.type_share_set(profile=profile, shared=False)
    typology_services.type_share_set(profile=profile, shared=True)
    assert _events("type_consent.withdraw").filter(subject_id=str(profile.pk)).exists()
    assert _events("type_consent.share").filter(subject_id=str(profile.pk)).exists()


def test_reading_a_type_profile_is_audited(client: Client, demo) -> None:
    from tests.conftest import client_for

    profile = TypeProfile.objects.select_related("participant__person").first()
    participant = profile.participant
    own = client_for(participant.person.email)
    response = own.get(f"/programmes/{demo.programme.slug}/types/people/{participant.pk}/")
    assert response.status_code == 200
    event = _events("type_profile.read").get(subject_id=str(profile.pk))
    assert event.actor_id == participant.person.user_id


def test_refused_type_read_leaves_no_event(lead_client: Client, demo) -> None:
    participant = TypeProfile.objects.first().participant
    response = lead_client.get(f"/programmes/{demo.programme.slug}/types/people/{participant.pk}/")
    assert response.status_code == 403
    assert not _events("type_profile.read").exists()


def test_coaching_dose_export_is_audited(lead_client: Client, demo) -> None:
    response = lead_client.get(f"/programmes/{demo.programme.slug}/coaching/dose.csv")
    assert response.status_code == 200
    assert _events("coaching_dose.export").filter(programme=demo.programme).count() == 1


def test_participant_add_is_audited(demo) -> None:
    person = Participant.objects.filter(programme=demo.programme).first().person
    other = programme_services.programme_create(
        organisation=demo.programme.organisation,
        name="Second cohort",
        slug="second-cohort",
        start_date=demo.programme.start_date,
        end_date=demo.programme.end_date,
    )
    programme_services.participant_add(programme=other, person=person, role=Role.PARTICIPANT)
    assert _events("programme.create").filter(subject_id=str(other.pk)).exists()
    assert _events("participant.add").filter(programme=other).count() == 1


def test_lead_sees_the_programme_audit_log_filtered_and_without_content(
    lead_client: Client, demo
) -> None:
    programme_services.milestone_create(
        programme=demo.programme,
        kind="away_day",
        title="Confidential title",
        start_date=demo.programme.start_date,
    )
    url = f"/programmes/{demo.programme.slug}/audit/"
    html = lead_client.get(url, {"action": "milestone.create"}).content.decode()
    assert "milestone.create" in html
    assert "programmes.milestone" in html
    assert "Confidential title" not in html


def test_audit_log_is_for_the_lead_and_superusers_only(
    sponsor_client: Client, participant_client: Client, outsider_client: Client, demo
) -> None:
    url = f"/programmes/{demo.programme.slug}/audit/"
    assert sponsor_client.get(url).status_code == 403
    assert participant_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert sponsor_client.get("/audit/").status_code == 404


def test_superuser_sees_every_programmes_events(client: Client, demo) -> None:
    from tests.conftest import client_for

    admin = client_for(demo.superuser_email)
    assert admin.get("/audit/").status_code == 200


def test_cli_exports_the_log_as_csv_and_json(demo, tmp_path, capsys) -> None:
    programme_services.milestone_create(
        programme=demo.programme,
        kind="away_day",
        title="=HYPERLINK()",
        start_date=demo.programme.start_date,
    )
    out = tmp_path / "audit.csv"
    assert cli.main(["audit", "export", "--programme", demo.programme.slug, "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert any(r["action"] == "milestone.create" for r in rows)
    assert cli.main(["audit", "export", "--format", "json", "--since", "2000-01-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert any(r["action"] == "milestone.create" for r in data)
    assert cli.main(["audit", "export", "--programme", "no-such"]) == 2
