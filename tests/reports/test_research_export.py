"""The research data export: de-identified scale scores per person per stock take, with the
quasi-identifiers coarsened until every released combination holds k people; CSV, SPSS and a
codebook. Lead only, audited. Checked by reading the .sav back and by counting every released
combination independently of the code that chose them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from django.test import Client

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.research import PersonWave, release
from tandem.audit.models import AuditEvent
from tandem.programmes.models import Participant, Person

K = 5


def url(demo) -> str:
    return f"/programmes/{demo.programme.slug}/reports/research-export/"


def rows(groups: dict[tuple[str, str, str], int], waves=("Baseline", "Repeat")) -> list[PersonWave]:
    made, person = [], 0
    for (profession, level, locality), count in groups.items():
        for _ in range(count):
            person += 1
            for wave in waves:
                made.append(
                    PersonWave(
                        person=person,
                        wave=wave,
                        quasi={"profession": profession, "level": level, "locality": locality},
                        scores={"trust": 3.0 + person % 3},
                    )
                )
    return made


def smallest_cell(frame: pd.DataFrame, kept: list[str]) -> int:
    """The fewest people in any (wave, released combination), counted with pandas."""
    return int(frame.groupby(["wave", "group", *kept], dropna=False)["code"].nunique().min())


def test_small_groups_force_the_locality_out_and_the_rest_stays() -> None:
    data = rows({("Doctor", "Service", "North"): 6, ("Doctor", "Service", "South"): 2,
                 ("Manager", "Service", "North"): 5, ("Manager", "Service", "South"): 5})  # fmt: skip
    released = release(data, scales=["trust"], k=K)
    assert released.kept == ["profession", "level"]
    assert released.dropped[0][0] == "locality"
    assert "fewer than 5 people in Baseline (2)" in released.dropped[0][1]
    frame = pd.DataFrame(released.rows)
    assert smallest_cell(frame, released.kept) >= K
    assert list(frame.columns) == ["code", "wave", "group", "profession", "level", "trust"]
    # Codes are random, one per person, the same in both waves, never the key.
    assert frame["code"].nunique() == 18
    assert (frame.groupby("code")["wave"].count() == 2).all()
    assert not set(frame["code"]) & {str(i) for i in range(1, 19)}
    again = pd.DataFrame(release(data, scales=["trust"], k=K).rows)
    assert not set(frame["code"]) & set(again["code"])


def test_everything_is_dropped_before_a_group_below_k_is_released() -> None:
    data = rows({("Doctor", "Service", "North"): 4, ("Manager", "Senior", "South"): 3})
    released = release(data, scales=["trust"], k=K)
    assert released.kept == []
    assert [name for name, _ in released.dropped] == ["locality", "level", "profession"]
    assert smallest_cell(pd.DataFrame(released.rows), []) == 7


def test_a_wave_below_k_is_left_out_and_a_dataset_below_k_is_refused() -> None:
    data = rows({("Doctor", "Service", "North"): 6}) + rows(
        {("Doctor", "Service", "North"): 3}, waves=("Pulse",)
    )
    released = release(data, scales=["trust"], k=K)
    assert released.waves_left_out == [("Pulse", 3)]
    assert {r["wave"] for r in released.rows} == {"Baseline", "Repeat"}
    with pytest.raises(AnalysisInputError, match="No wave has at least 5 people"):
        release(rows({("Doctor", "Service", "North"): 4}), scales=["trust"], k=K)


def download(client: Client, demo) -> zipfile.ZipFile:
    response = client.post(url(demo))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_lead_downloads_csv_sav_and_codebook_that_agree(
    lead_client: Client, demo, tmp_path: Path
) -> None:
    page = lead_client.get(url(demo)).content.decode()
    assert "Download the research data (ZIP)" in page
    archive = download(lead_client, demo)
    assert sorted(archive.namelist()) == [
        "codebook.md", "kpi_impact.csv", "kpis.csv", "scores.csv", "scores.sav",
    ]  # fmt: skip
    scores = pd.read_csv(io.BytesIO(archive.read("scores.csv")), encoding="utf-8-sig")
    (tmp_path / "scores.sav").write_bytes(archive.read("scores.sav"))
    sav, meta = pyreadstat.read_sav(str(tmp_path / "scores.sav"), apply_value_formats=True)
    assert list(sav.columns) == list(scores.columns)
    assert meta.column_names_to_labels["code"] == "Person (random code, this export only)"
    assert meta.column_names_to_labels["wave"] == "Stock take"
    scale = scores.columns[-1]
    assert meta.column_names_to_labels[scale] != scale, "scales carry their titles"
    assert sav["code"].tolist() == scores["code"].tolist()
    assert sav["wave"].tolist() == scores["wave"].tolist()
    assert sav["group"].tolist() == scores["group"].tolist()
    # The demo's comparison group comes too, marked: 11 at baseline and 10 at the repeat.
    per_wave = scores.groupby(["group", "wave"])["code"].nunique().to_dict()
    assert per_wave[("comparison", "Baseline stock take")] == 11
    assert per_wave[("comparison", "Repeat stock take")] == 10
    assert per_wave[("programme", "Baseline stock take")] == 22
    assert sav[scale].tolist() == pytest.approx(scores[scale].tolist(), nan_ok=True)
    kept = [c for c in ("profession", "level", "locality") if c in scores.columns]
    assert smallest_cell(scores, kept) >= demo.programme.min_group_size
    # Nothing that names anyone, anywhere in the archive.
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("latin-1")
    for person in Person.objects.all():
        assert person.email not in everything
        assert person.name not in everything
    ids = {str(p.pk) for p in Participant.objects.filter(programme=demo.programme)}
    assert not set(scores["code"].astype(str)) & ids
    codebook = archive.read("codebook.md").decode()
    assert f"k = {demo.programme.min_group_size}" in codebook
    event = AuditEvent.objects.filter(action="report.research_export.download").latest("pk")
    assert event.extra["people"] == scores["code"].nunique()
    second = pd.read_csv(io.BytesIO(download(lead_client, demo).read("scores.csv")))
    assert not set(second["code"]) & set(scores["code"]), "codes are new for every export"


def test_kpis_and_their_impact_come_too(lead_client: Client, demo) -> None:
    archive = download(lead_client, demo)
    kpis = pd.read_csv(io.BytesIO(archive.read("kpis.csv")), encoding="utf-8-sig")
    impact = pd.read_csv(io.BytesIO(archive.read("kpi_impact.csv")), encoding="utf-8-sig")
    assert {"service", "kpi", "period", "value"} <= set(kpis.columns)
    assert "Learning Disability Service" not in set(kpis["service"]), "no comparison services"
    readmissions = impact[impact["kpi"] == "Emergency readmissions within 30 days"]
    assert (readmissions["family"] == "quasipoisson").all()
    assert readmissions["rate_ratio"].notna().all()


@pytest.mark.parametrize("who", ["sponsor_client", "coach_client", "participant_client"])
def test_only_the_lead_may_export(who, demo, request) -> None:
    client: Client = request.getfixturevalue(who)
    assert client.get(url(demo)).status_code == 403
    assert client.post(url(demo)).status_code == 403
    reports = client.get(f"/programmes/{demo.programme.slug}/reports/")
    assert "Research data export" not in reports.content.decode()


def test_a_comparison_group_below_k_in_a_wave_is_left_out_of_it_alone() -> None:
    programme = rows({("Doctor", "Service", "North"): 6})
    comparison = [
        PersonWave(
            person=f"c{i}",
            wave=wave,
            quasi={"profession": "Doctor", "level": "Service", "locality": "North"},
            scores={"trust": 3.0},
            group="comparison",
        )
        for i in range(K + 1)
        for wave in ("Baseline", "Repeat")
        if wave == "Baseline" or i < K - 1  # only K − 1 of them answered the repeat
    ]
    released = release(programme + comparison, scales=["trust"], k=K)
    frame = pd.DataFrame(released.rows, columns=released.columns)
    assert released.waves_left_out == [("Repeat (comparison group)", K - 1)]
    assert frame.groupby(["group", "wave"])["code"].nunique().to_dict() == {
        ("comparison", "Baseline"): K + 1,
        ("programme", "Baseline"): 6,
        ("programme", "Repeat"): 6,
    }
    assert released.kept == ["profession", "level", "locality"], "the group is not coarsened away"


def test_a_wave_whose_report_also_counts_fewer_than_k_unmatched_responses_is_withheld(
    lead_client: Client, demo
) -> None:
    from tandem.surveys.models import Answer, Invitation, InvitationStatus, Wave

    baseline = Wave.objects.get(programme=demo.programme, title="Baseline stock take")
    # Two anonymous responses imported into the baseline: its report counts them, the export
    # cannot, so the two releases together would give away their scores.
    for ref in ("anon-1", "anon-2"):
        invitation = Invitation.objects.create(
            wave=baseline, unmatched=True, import_ref=ref, status=InvitationStatus.SUBMITTED
        )
        Answer.objects.bulk_create(
            Answer(invitation=invitation, item_id=item.id, value=1)
            for item in baseline.instrument.likert_items
        )
    archive = download(lead_client, demo)
    scores = pd.read_csv(io.BytesIO(archive.read("scores.csv")), encoding="utf-8-sig")
    ours = scores[scores["group"] == "programme"]
    assert "Baseline stock take" not in set(ours["wave"])
    assert "Repeat stock take" in set(ours["wave"])
    codebook = archive.read("codebook.md").decode()
    assert "Baseline stock take left out: its feedback report also counts 2 response(s)" in codebook
