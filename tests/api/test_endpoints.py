"""What each endpoint returns: the same facts as the web pages, and nothing they withhold."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tandem import demo as demo_module
from tandem.audit.models import AuditEvent
from tandem.coaching.selectors import coaching_dose_for
from tandem.programmes.models import Role
from tandem.reports.feedback import build_feedback
from tandem.surveys.models import Wave
from tandem.surveys.selectors import wave_completion
from tandem.typology.selectors import team_table_for

from ..conftest import participant_named

SLUG = demo_module.DEMO_SLUG
ROOT = f"programmes/{SLUG}"


def test_programme_detail_counts_people_and_pairs(
    call: Callable[..., Any], tokens: dict[str, str | None]
) -> None:
    body = call(ROOT, tokens["participant"]).json()
    assert body["slug"] == SLUG
    assert body["your_roles"] == ["participant"]
    assert body["pair_count"] == 12
    assert body["role_counts"] == {
        "programme_lead": 1,
        "sponsor": 2,
        "coach": 2,
        "participant": 24,
        "comparison": 12,
    }
    assert [m["kind"] for m in body["milestones"]][:2] == ["stock_take", "feedback"]


def test_participants_are_paginated_and_filtered_by_role(
    call: Callable[..., Any], lead_token: str
) -> None:
    first = call(f"{ROOT}/participants", lead_token, page_size=10).json()
    assert first["count"] == 41  # 29 in the programme, 12 comparison respondents (the lead only)
    assert len(first["items"]) == 10
    last = call(f"{ROOT}/participants", lead_token, page_size=10, page=5).json()
    assert len(last["items"]) == 1
    comparison = call(f"{ROOT}/participants", lead_token, role="comparison").json()
    assert comparison["count"] == 12
    sponsors = call(f"{ROOT}/participants", lead_token, role="sponsor").json()
    assert sorted(p["name"] for p in sponsors["items"]) == ["Dr Miriam Achebe", "Richard Ashworth"]
    assert call(f"{ROOT}/participants", lead_token, role="king").status_code == 422


def test_email_address_is_shown_to_the_lead_only(
    call: Callable[..., Any], tokens: dict[str, str | None], demo: demo_module.DemoProgramme
) -> None:
    anna = participant_named(demo, "Anna Kowalski")
    for_lead = call(f"{ROOT}/participants/{anna.pk}", tokens["lead"]).json()
    assert for_lead["email"] == anna.person.email
    assert for_lead["pairs"][0]["partner"]["name"] == "Dr Amara Okafor"
    for_peer = call(f"{ROOT}/participants/{anna.pk}", tokens["participant"])
    assert for_peer.json()["email"] is None
    assert anna.person.email not in for_peer.content.decode()
    # Nor in the list, for anyone.
    listing = call(f"{ROOT}/participants", tokens["lead"], page_size=100).content.decode()
    assert anna.person.email not in listing


def test_pairs_name_one_doctor_and_one_manager_per_service(
    call: Callable[..., Any], tokens: dict[str, str | None]
) -> None:
    body = call(f"{ROOT}/pairs", tokens["coach"]).json()
    assert body["count"] == 12
    okafor = next(p for p in body["items"] if p["doctor"]["name"] == "Dr Amara Okafor")
    assert okafor["manager"]["name"] == "Anna Kowalski"
    assert okafor["service"] == "North Community Mental Health Team"
    assert okafor["locality"] == "Riverside North"


def test_wave_counts_match_the_lead_page_and_name_nobody(
    call: Callable[..., Any],
    lead_token: str,
    waves: dict[str, Wave],
    demo: demo_module.DemoProgramme,
) -> None:
    lead = demo.programme.participants.get(role=Role.PROGRAMME_LEAD).person.user
    baseline = waves["baseline"]
    page = wave_completion(viewer=lead, wave=baseline)
    response = call(f"{ROOT}/waves/{baseline.pk}", lead_token)
    body = response.json()
    assert body["completion"]["invited"] == page.invited
    assert body["completion"]["submitted"] == page.submitted
    assert body["status"] == "closed"
    assert body["released"] is True
    assert [g["submitted"] for g in body["by_profession"]] == [
        g.submitted for g in page.by_profession
    ]
    text = response.content.decode()
    assert not any(row.name in text for row in page.rows)
    listing = call(f"{ROOT}/waves", lead_token).json()
    assert {w["id"]: w["completion"]["submitted"] for w in listing["items"]}[
        baseline.pk
    ] == page.submitted


def _numbers(node: Any) -> list[float]:
    if isinstance(node, dict):
        return [n for key, value in node.items() if key not in {"k"} for n in _numbers(value)]
    if isinstance(node, list):
        return [n for value in node for n in _numbers(value)]
    if isinstance(node, float):
        return [node]
    return []


def test_feedback_hides_exactly_what_the_report_hides(
    call: Callable[..., Any],
    tokens: dict[str, str | None],
    waves: dict[str, Wave],
    demo: demo_module.DemoProgramme,
) -> None:
    # Eleven doctors and eleven managers answered the baseline: with k = 12 both groups are hidden
    # while the whole group (22) is shown.
    demo.programme.min_group_size = 12
    demo.programme.save(update_fields=["min_group_size"])
    baseline = Wave.objects.select_related("programme").get(pk=waves["baseline"].pk)
    report = build_feedback(baseline)
    body = call(f"{ROOT}/reports/{baseline.pk}/feedback", tokens["participant"]).json()
    hidden_in_report = {
        (scale.id, group): figure.hidden
        for scale in report.scales
        for group, figure in scale.by_group.items()
    }
    hidden_in_api = {
        (scale["id"], group): figure["hidden"]
        for scale in body["scales"]
        for group, figure in scale["by_group"].items()
    }
    assert hidden_in_api == hidden_in_report
    assert any(hidden_in_report.values()), "some group should fall below k"
    for scale in body["scales"]:
        for figure in scale["by_group"].values():
            if figure["hidden"]:
                assert figure["value"] is figure["n"] is figure["ci_low"] is None
    shown = next(s for s in report.scales if s.overall.shown)
    api_scale = next(s for s in body["scales"] if s["id"] == shown.id)
    assert api_scale["overall"]["value"] == pytest.approx(shown.overall.value)


def test_feedback_below_k_carries_no_figure_at_all(
    call: Callable[..., Any],
    tokens: dict[str, str | None],
    waves: dict[str, Wave],
    demo: demo_module.DemoProgramme,
) -> None:
    # Fewer people answered than this k, so every aggregate must be suppressed.
    demo.programme.min_group_size = 40
    demo.programme.save(update_fields=["min_group_size"])
    body = call(f"{ROOT}/reports/{waves['baseline'].pk}/feedback", tokens["sponsor"]).json()
    assert body["k"] == 40
    assert all(scale["overall"]["hidden"] for scale in body["scales"])
    assert all(item["hidden"] and not item["percentages"] for item in body["items"])
    assert body["response_total"]["responded"] is None
    figures = [scale["overall"] for scale in body["scales"]] + [
        figure for scale in body["scales"] for figure in scale["by_group"].values()
    ]
    assert _numbers(figures) == []
    assert body["strengths"] == []


def test_feedback_contains_no_individual_answers(
    call: Callable[..., Any], tokens: dict[str, str | None], waves: dict[str, Wave]
) -> None:
    text = call(f"{ROOT}/reports/{waves['baseline'].pk}/feedback", tokens["coach"]).content
    body = json.loads(text)
    assert "answers" not in text.decode()
    assert "participant" not in json.dumps(body["scales"])


def test_unreleased_report_is_the_leads_preview_only(
    call: Callable[..., Any], tokens: dict[str, str | None], waves: dict[str, Wave]
) -> None:
    pulse = waves["pulse"]
    assert call(f"{ROOT}/reports/{pulse.pk}/feedback", tokens["participant"]).status_code == 403
    preview = call(f"{ROOT}/reports/{pulse.pk}/feedback", tokens["lead"]).json()
    assert preview["wave"]["released"] is False
    index = call(f"{ROOT}/reports", tokens["participant"]).json()
    assert pulse.pk not in [w["id"] for w in index["waves"]]
    assert {"before_id": waves["baseline"].pk, "after_id": waves["repeat"].pk} in index[
        "comparisons"
    ]


def test_report_reads_are_audited(
    call: Callable[..., Any], tokens: dict[str, str | None], waves: dict[str, Wave]
) -> None:
    baseline = waves["baseline"]
    call(f"{ROOT}/reports/{baseline.pk}/feedback", tokens["sponsor"])
    event = AuditEvent.objects.filter(action="api.report.read").first()
    assert event is not None
    assert event.subject_id == str(baseline.pk)
    assert event.actor.email == demo_module.email_for("Dr Miriam Achebe")
    assert event.actor_label == f"user {event.actor_id}"
    assert event.extra == {"via": "api", "token": tokens["sponsor"][:13], "report": "feedback"}


def test_comparison_rejects_waves_that_cannot_be_compared(
    call: Callable[..., Any], lead_token: str, waves: dict[str, Wave]
) -> None:
    before, after = waves["baseline"].pk, waves["repeat"].pk
    assert call(f"{ROOT}/reports/{before}/compare/{after}", lead_token).status_code == 200
    assert call(f"{ROOT}/reports/{after}/compare/{before}", lead_token).status_code == 404
    assert call(f"{ROOT}/reports/{before}/compare/{before}", lead_token).status_code == 404


def test_team_type_table_matches_the_page(
    call: Callable[..., Any], tokens: dict[str, str | None], demo: demo_module.DemoProgramme
) -> None:
    lead = demo.programme.participants.get(role=Role.PROGRAMME_LEAD).person.user
    view = team_table_for(viewer=lead, programme=demo.programme)
    body = call(f"{ROOT}/types/team", tokens["participant"]).json()
    assert body["shown"] is view.shown
    if view.table is not None:
        assert body["people"] == view.table.n
        assert sum(cell["count"] for row in body["grid"] for cell in row) == view.table.n


def test_team_type_table_is_absent_below_k(
    call: Callable[..., Any], tokens: dict[str, str | None], demo: demo_module.DemoProgramme
) -> None:
    demo.programme.min_group_size = 60
    demo.programme.save(update_fields=["min_group_size"])
    body = call(f"{ROOT}/types/team", tokens["participant"]).json()
    assert body["shown"] is False
    assert body["grid"] == [] and body["people"] is None and body["by_preference"] == {}
    assert "60" in body["hidden"]


def test_coaching_dose_has_the_csv_rows_and_is_audited(
    call: Callable[..., Any], tokens: dict[str, str | None], demo: demo_module.DemoProgramme
) -> None:
    lead = demo.programme.participants.get(role=Role.PROGRAMME_LEAD).person.user
    rows = coaching_dose_for(viewer=lead, programme=demo.programme)
    body = call(f"{ROOT}/coaching/dose", tokens["lead"], page_size=100).json()
    assert body["count"] == len(rows)
    by_id = {row["participant_id"]: row for row in body["items"]}
    for participant_id, row in rows.items():
        assert by_id[participant_id]["sessions_attended"] == row.dose.sessions_attended
        assert by_id[participant_id]["weeks_in_coaching"] == row.dose.weeks_in_coaching
    assert AuditEvent.objects.filter(action="api.coaching_dose.read").count() == 1


def test_me_says_how_the_caller_authenticated(call: Callable[..., Any], lead_token: str) -> None:
    body = call("me", lead_token).json()
    assert body["email"] == demo_module.email_for("Priya Sandhu")
    assert body["authenticated_by"] == "token"
    assert body["token"]["prefix"] == lead_token[:13]


def test_feedback_themes_are_suppressed_like_the_page(
    call: Callable[..., Any], tokens: dict[str, str | None], waves: dict[str, Wave]
) -> None:
    from tandem.coding.selectors import code_frequencies

    baseline = waves["baseline"]
    frequencies = code_frequencies(wave=baseline)
    body = call(f"{ROOT}/reports/{baseline.pk}/feedback", tokens["participant"]).json()
    themes = body["themes"]
    assert [t["label"] for t in themes["themes"]] == [row.label for row in frequencies.rows]
    assert themes["themes"], "the demo codes the baseline's written answers"
    for api_row, row in zip(themes["themes"], frequencies.rows, strict=True):
        assert api_row["total"]["count"] == row.total.count
        for cell, page_cell in zip(api_row["by_group"].values(), row.cells, strict=True):
            assert cell["count"] == page_cell.count
            assert (cell["hidden"] is None) is page_cell.shown
    if body["quotations_hidden"]:
        assert body["quotations"] == []


def test_an_unexpected_error_is_answered_as_json_without_a_stack_trace(
    call, lead_token, demo, monkeypatch
) -> None:
    from tandem.reports import selectors as report_selectors

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(report_selectors, "reports_for", broken)
    response = call(f"programmes/{demo.programme.slug}/reports", lead_token)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"].startswith("Something went wrong on the server")
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_quotations_are_redacted_under_todays_rules(
    call: Callable[..., Any], tokens: dict[str, str | None], waves: dict[str, Wave]
) -> None:
    from tandem.coding.models import Excerpt, ReviewStatus

    baseline = waves["baseline"]
    # An excerpt approved before the rules knew titles, phone numbers and wards.
    excerpt = Excerpt.objects.filter(wave=baseline, status=ReviewStatus.APPROVED).first()
    assert excerpt is not None
    Excerpt.objects.filter(pk=excerpt.pk).update(
        redacted_text="Dr Smith said to ring 07700 900123 about Laurel Ward."
    )
    body = call(f"{ROOT}/reports/{baseline.pk}/feedback", tokens["participant"]).json()
    texts = [quotation["text"] for quotation in body["quotations"]]
    assert "[name] said to ring [phone] about [ward]." in texts
    assert not any(word in text for text in texts for word in ("Smith", "07700", "Laurel"))
