"""Subject access, erasure and purge for the away days, the roster and the outcomes apps."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem import cli
from tandem.audit.models import AuditEvent
from tandem.demo import email_for
from tandem.gdpr import services
from tandem.networks.models import RosterEntry
from tandem.programmes.models import Pair, Participant, Person
from tandem.workshops import services as workshop_services
from tandem.workshops.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    AwayDay,
    Evaluation,
    Material,
    PairObservation,
)

pytestmark = pytest.mark.django_db

AMARA = email_for("Dr Amara Okafor")
UPDATE_NOTE = "Amara rang the estates team about the room"
OBSERVATION = "Amara saw them listen before deciding"
KEEP = "Amara liked the time in pairs"


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _section(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def _amara_writes(demo) -> Participant:
    """Amara's own words in every place the away days keep them."""
    me = Participant.objects.get(programme=demo.programme, person__email=AMARA)
    user = me.person.user
    day = AwayDay.objects.get(programme=demo.programme, title="Second away day")
    action = Action.objects.filter(owner=me).first() or workshop_services.action_create(
        programme=demo.programme, title="Book the room", owner=me, due_on=day.date
    )
    workshop_services.action_update(
        action=action, status=ActionStatus.IN_PROGRESS, note=UPDATE_NOTE, actor=user
    )
    own_pair = Pair.objects.get(doctor=me)
    other = Pair.objects.filter(programme=demo.programme).exclude(pk=own_pair.pk).first()
    workshop_services.observation_record(
        observing_pair=own_pair,
        observed_pair=other,
        situation="Bed meeting",
        notes=OBSERVATION,
        actor=user,
    )
    Evaluation.objects.filter(away_day=day, participant=me).delete()
    workshop_services.evaluation_submit(
        away_day=day, participant=me, usefulness=4, keep=KEEP, change="More breaks", today=day.date
    )
    return me


def test_cli_export_holds_the_away_days_and_roster_answers_given(demo, tmp_path) -> None:
    me = _amara_writes(demo)
    out = tmp_path / "amara.zip"
    assert cli.main(["gdpr", "export", "--email", AMARA, "--out", str(out)]) == 0
    archive = _zip(out.read_bytes())
    names = set(archive.namelist())
    assert {
        "workshops/actions_owned.json",
        "workshops/action_updates.csv",
        "workshops/invitations.json",
        "workshops/role_agreements.json",
        "workshops/pair_observations.json",
        "workshops/evaluations.json",
    } <= names
    updates = _section(archive, "workshops/action_updates.json")
    assert any(row["note"] == UPDATE_NOTE and row["written_by_you"] for row in updates)
    observations = _section(archive, "workshops/pair_observations.json")
    assert any(row["notes"] == OBSERVATION and row["written_by_you"] for row in observations)
    evaluations = _section(archive, "workshops/evaluations.json")
    assert [(row["usefulness"], row["keep"]) for row in evaluations if row["keep"] == KEEP] == [
        (4, KEEP)
    ]
    invitations = _section(archive, "workshops/invitations.json")
    assert len(invitations) == AwayDay.objects.filter(invitations__participant=me).count() > 0
    agreements = _section(archive, "workshops/role_agreements.json")
    assert agreements and all(
        row["agreement__pair__doctor__person__name"] == "Dr Amara Okafor" for row in agreements
    )
    # Who Amara named is hers; who named Amara is not.
    roster = _section(archive, "networks/roster_answers.json")
    mine = RosterEntry.objects.filter(invitation__participant__person=me.person)
    assert len(roster) == mine.count() > 0
    assert {row["alter__person__name"] for row in roster} == set(
        mine.values_list("alter__person__name", flat=True)
    )
    assert "Dr Amara Okafor" not in {row["alter__person__name"] for row in roster}
    assert RosterEntry.objects.filter(alter=me).exists()  # others did name her
    assert not any(name.startswith("outcomes/") for name in names)


def test_lead_download_leaves_out_roster_answers_evaluations_and_observation_words(
    lead_client: Client, demo
) -> None:
    me = _amara_writes(demo)
    response = lead_client.post(f"/programmes/{demo.programme.slug}/people/{me.pk}/data/")
    assert response.status_code == 200
    archive = _zip(response.content)
    assert not any(name.startswith("networks/") for name in archive.namelist())
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert OBSERVATION not in everything and KEEP not in everything
    assert UPDATE_NOTE in everything  # the lead reads action updates on the action's page
    # Nor anyone's questionnaire answers or type (docs/design.md: the lead sees who responded, not what).
    assert "surveys/invitations.json" in archive.namelist()
    assert not any(name.startswith(("surveys/answers", "typology/")) for name in archive.namelist())
    readme = archive.read("README.txt").decode()
    assert "answers about working with colleagues are left out" in readme
    assert "Away-day evaluations and pair observations are left out" in readme
    assert "workshops/evaluations.json" not in archive.namelist()
    assert "workshops/pair_observations.json" not in archive.namelist()
    assert "Questionnaire answers are left out" in readme


def test_erasure_removes_amaras_away_day_words_and_keeps_the_counts(demo) -> None:
    me = _amara_writes(demo)
    user_id = me.person.user_id
    counts_before = (
        ActionUpdate.objects.count(),
        PairObservation.objects.count(),
        Evaluation.objects.count(),
        Action.objects.filter(owner=me).count(),
        RosterEntry.objects.count(),
    )
    usefulness_before = sorted(Evaluation.objects.values_list("usefulness", flat=True))
    assert cli.main(["gdpr", "erase", "--email", AMARA, "--yes"]) == 0
    assert counts_before == (
        ActionUpdate.objects.count(),
        PairObservation.objects.count(),
        Evaluation.objects.count(),
        Action.objects.filter(owner=me).count(),
        RosterEntry.objects.count(),
    )
    assert usefulness_before == sorted(Evaluation.objects.values_list("usefulness", flat=True))
    assert not ActionUpdate.objects.filter(author_id=user_id).exclude(note="").exists()
    assert not ActionUpdate.objects.filter(note=UPDATE_NOTE).exists()
    assert not PairObservation.objects.filter(notes=OBSERVATION).exists()
    assert not Evaluation.objects.filter(participant=me).exclude(keep="", change="").exists()
    event = AuditEvent.objects.filter(action="gdpr.erase", subject_id=str(me.person_id)).latest(
        "pk"
    )
    assert event.extra["action update notes blanked"] == 1
    assert event.extra["pair observation notes blanked"] == 1
    assert event.extra["away-day evaluation answers blanked"] >= 1


def test_purge_deletes_the_expired_programmes_away_day_materials(
    demo, django_capture_on_commit_callbacks
) -> None:
    day = AwayDay.objects.get(programme=demo.programme, title="First away day")
    material = workshop_services.material_upload(
        away_day=day,
        title="Photographs",
        upload=SimpleUploadedFile("photos.pdf", b"%PDF-1.4\n% photos\n", "application/pdf"),
    )
    name = material.file.name
    assert default_storage.exists(name)
    programme = demo.programme
    programme.start_date = dt.date(2019, 1, 1)
    programme.end_date = dt.date(2020, 1, 31)
    programme.retention_months = 1
    programme.save()
    assert cli.main(["gdpr", "purge"]) == 0  # a dry run keeps the file
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        reports = services.purge_apply(plan=services.purge_plan())
    assert reports
    assert not Material.objects.filter(away_day__programme=programme).exists()
    assert not default_storage.exists(name)
    event = AuditEvent.objects.filter(action="gdpr.purge", subject_id=str(programme.pk)).latest(
        "pk"
    )
    assert event.extra["away-day materials deleted"] >= 1
    assert Person.objects.filter(email=AMARA).count() == 0
