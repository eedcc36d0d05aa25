"""The differencing harness: every aggregate surface, read as every role before and after one
person's data arrives (tests/disclosure/harness.py says how), and every figure's population
checked against every other's.

Every URL the project has is classified here, as the access matrix does it: either an aggregate
surface, with the objects to read it for, or a page that shows no figure derived from people's
answers, with the reason. A new URL without a classification fails
`test_every_url_is_classified` until someone decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any

import pytest
from django.urls import reverse

from tandem.analysis.disclosure import family_conflicts
from tandem.disclosure.models import DisclosedPopulation
from tandem.reports import charts
from tandem.surveys.models import Wave

from ..test_access_matrix import RULES, url_names
from . import harness
from .harness import EVENTS, Scenario, build_scenario

Args = dict[str, Any]


def _waves(s: Scenario) -> list[Wave]:
    return [s.open_take, s.check_in, s.pulse, s.baseline, s.repeat]


def _each_wave(s: Scenario) -> list[Args]:
    return [{"slug": s.programme.slug, "wave_id": wave.pk} for wave in _waves(s)]


def _closed_and_open_takes(s: Scenario) -> list[Args]:
    return [{"slug": s.programme.slug, "wave_id": w.pk} for w in (s.open_take, s.baseline)]


def _pairs(s: Scenario) -> list[Args]:
    slug = s.programme.slug
    return [
        {"slug": slug, "before_id": before.pk, "after_id": after.pk}
        for before, after in (
            (s.baseline, s.repeat),
            (s.baseline, s.open_take),
            (s.repeat, s.open_take),
        )
    ]


def _programme(s: Scenario) -> list[Args]:
    return [{"slug": s.programme.slug}]


def _away_day(s: Scenario) -> list[Args]:
    from tandem.workshops.models import AwayDay

    first = AwayDay.objects.get(programme=s.programme, title="First away day")
    return [{"slug": s.programme.slug, "away_day_id": day.pk} for day in (s.away_day, first)]


def _meeting(s: Scenario) -> list[Args]:
    return [{"slug": s.programme.slug, "meeting_id": s.values["meeting_id"]}]


@dataclass(frozen=True)
class Surface:
    """How to read one URL: the objects to read it for, and as whom (None: every role the
    access matrix lets in)."""

    variants: Callable[[Scenario], list[Args]]
    roles: frozenset[str] | None = None


# The reports' builders take no viewer: every reader gets the same figures, and the access
# matrix decides who may read them. Reading them as the lead (who previews unreleased reports)
# and a participant (who reads released ones) covers both kinds of reader.
REPORT_READERS = frozenset({harness.LEAD, harness.PARTICIPANT})

_RAW: dict[str, Any] = {
    "reports:feedback": Surface(_each_wave, REPORT_READERS),
    "reports:feedback_pdf": Surface(_each_wave, REPORT_READERS),
    "reports:comparison": Surface(_pairs, REPORT_READERS),
    "reports:comparison_pdf": Surface(_pairs, REPORT_READERS),
    "reports:evaluation": _programme,
    "reports:evaluation_pdf": _programme,  # read with the PDF drawn as its HTML (see below)
    "coding:wave": _closed_and_open_takes,
    "coding:review": _closed_and_open_takes,
    "coding:themes": _closed_and_open_takes,
    "coding:summary": _closed_and_open_takes,
    "coding:export_project": _programme,
    "typology:index": _programme,
    "typology:team": _programme,
    "typology:pairs": _programme,
    "typology:evidence": _programme,
    "networks:overview": _programme,
    "networks:pairs": _programme,
    "networks:map": _programme,
    "networks:map_json": _programme,
    "networks:localities": _programme,
    "networks:me": _programme,
    "workshops:away_day": _away_day,
    "workshops:evaluation_results": _away_day,
    "workshops:meetings": _programme,
    "workshops:meeting": _meeting,
    "workshops:home": _programme,
    "programmes:overview": _programme,
    "api-v1:feedback": Surface(_each_wave, REPORT_READERS),
    "api-v1:comparison": Surface(_pairs, REPORT_READERS),
    "api-v1:report_index": _programme,
    "api-v1:team_table": _programme,
    "api-v1:network_waves": _programme,
    "api-v1:network_indices": _programme,
    "api-v1:network_me": _programme,
    "api-v1:away_days": _programme,
    "api-v1:wave_list": _programme,
    "api-v1:wave_detail": _each_wave,
}
# URL name → how to read it.
AGGREGATE: dict[str, Surface] = {
    name: entry if isinstance(entry, Surface) else Surface(entry) for name, entry in _RAW.items()
}

NOT_AGGREGATE: dict[str, tuple[str, ...]] = {
    "De-identified scale scores per person for research, the lead only and audited: random codes, "
    "quasi-identifiers kept only while every combination holds k people in every stock take "
    "(tests/reports/test_research_export.py)": ("reports:research_export",),
    "Public pages, log-in and the respondent's own answers by their link": (
        "healthz",
        "readyz",
        "accounts:login",
        "accounts:oidc_login",
        "accounts:oidc_callback",
        "accounts:logout",
        "accounts:two_factor",
        "accounts:two_factor_enrol",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "surveys:respond_start",
        "surveys:respond_section",
        "surveys:respond_autosave",
        "surveys:respond_review",
        "surveys:respond_submit",
    ),
    "The API's own description, tokens and errors": (
        "api-v1:openapi-json",
        "api-v1:openapi-view",
        "api-v1:api-root",
        "api-v1:me",
        "api_not_found",
        "tokens:list",
        "tokens:new",
        "tokens:revoke",
    ),
    "Who is in the programme and its set-up: names, roles, pairs, milestones": (
        "programmes:list",
        "programmes:people",
        "programmes:person",
        "programmes:import",
        "programmes:import_template",
        "programmes:import_preview",
        "programmes:milestone_new",
        "programmes:milestone_edit",
        "programmes:milestone_delete",
        "programmes:pair_new",
        "programmes:pair_delete",
        "programmes:programme_start",
        "programmes:programme_copy",
        "programmes:person_new",
        "programmes:person_role",
        "programmes:person_leave",
        "programmes:person_invite",
        "api-v1:programme_list",
        "api-v1:programme_detail",
        "api-v1:participant_list",
        "api-v1:participant_detail",
        "api-v1:pair_list",
    ),
    "An organisation's localities and services: names only, set up by its administrators": (
        "programmes:services_import",
        "programmes:services_import_template",
        "programmes:services_import_preview",
        "programmes:organisations",
        "programmes:organisation_new",
        "programmes:organisation",
        "programmes:locality_add",
        "programmes:service_add",
        "programmes:locality_edit",
        "programmes:service_edit",
        "programmes:locality_retire",
        "programmes:locality_restore",
        "programmes:service_retire",
        "programmes:service_restore",
        "programmes:administrator_add",
        "programmes:administrator_remove",
    ),
    "Completion status: who has responded, never what (docs/design.md); forms that run a wave": (
        "surveys:waves",
        "surveys:wave_new",
        "surveys:wave",
        "surveys:wave_send",
        "surveys:wave_close",
        "surveys:responses_upload",
        "surveys:responses_map",
        "surveys:interview_add",
        "reports:index",
        "reports:release",
        "reports:evaluation_freeze",
    ),
    "The lead's coding work on one anonymous text, the codebook and its forms": (
        "coding:codebook",
        "coding:code_edit",
        "coding:code_delete",
        "coding:export_codebook",
        "coding:answer",
        "coding:note",
        "coding:excerpt_delete",
        "coding:excerpt_review",
        "coding:theme_accept",
        "coding:theme_reject",
    ),
    "Coaching records, shown by design per person to those allowed (attendance and ratings to "
    "the lead and sponsors, notes to coach and coachee only): no aggregate over answers": (
        "coaching:home",
        "coaching:overview",
        "coaching:settings",
        "coaching:reminders",
        "coaching:dose_export",
        "coaching:coachees",
        "coaching:plan_new",
        "coaching:plan",
        "coaching:schedule",
        "coaching:review",
        "coaching:goal_new",
        "coaching:concern_new",
        "coaching:concern_resolve",
        "coaching:session_new",
        "coaching:session",
        "coaching:session_edit",
        "coaching:session_log",
        "coaching:note",
        "coaching:rate",
        "coaching:themes_private",
        "coaching:ics",
        "coaching:send",
        "api-v1:dose",
    ),
    "A person's own type profile and the forms that set it": (
        "typology:take",
        "typology:profile",
        "typology:best_fit",
        "typology:external",
        "typology:share",
    ),
    "Service KPIs: the services' own figures, not anyone's answers": (
        "outcomes:index",
        "outcomes:service",
        "outcomes:kpi_new",
        "outcomes:kpi_edit",
        "outcomes:kpi_values",
        "outcomes:kpi_value_delete",
        "outcomes:comparisons",
        "outcomes:import",
        "outcomes:import_template",
        "outcomes:import_preview",
        "api-v1:outcome_services",
        "api-v1:service_kpis",
    ),
    "What the group agreed and planned (agendas, files, charter, mission, roles, actions, "
    "observations between two pairs) and the forms that record it": (
        "workshops:away_day_new",
        "workshops:away_day_edit",
        "workshops:agenda_item_new",
        "workshops:agenda_pdf",
        "workshops:attendance",
        "workshops:material_new",
        "workshops:material",
        "workshops:evaluation",
        "workshops:charter",
        "workshops:practice_new",
        "workshops:practice",
        "workshops:practice_revise",
        "workshops:charter_pdf",
        "workshops:charter_xlsx",
        "workshops:mission",
        "workshops:mission_new",
        "workshops:role_agreements",
        "workshops:role_agreement",
        "workshops:role_agreement_new",
        "workshops:role_agreement_confirm",
        "workshops:actions",
        "workshops:my_actions",
        "workshops:action_new",
        "workshops:remind_overdue",
        "workshops:action",
        "workshops:actions_pdf",
        "workshops:actions_xlsx",
        "workshops:observations",
        "workshops:observation_new",
        "workshops:meeting_new",
        "workshops:meeting_edit",
        "api-v1:actions",
        "api-v1:my_actions",
        "api-v1:charter",
    ),
    "The audit log and data-protection requests": (
        "audit:programme",
        "audit:all",
        "gdpr:export",
        "gdpr:erase",
    ),
    "E-mail and schedule: who was written to and when, and the worker's jobs; no answers": (
        "operations:schedule",
        "operations:job_edit",
        "operations:emails",
        "operations:email_send_again",
    ),
}


def test_every_url_is_classified() -> None:
    classified = set(AGGREGATE) | {name for names in NOT_AGGREGATE.values() for name in names}
    missing = sorted(set(url_names()) - classified)
    assert missing == [], (
        f"URLs the differencing harness does not know (tests/disclosure/test_harness.py): {missing}"
    )
    assert sorted(classified - set(url_names())) == []
    assert not set(AGGREGATE) & {n for names in NOT_AGGREGATE.values() for n in names}


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Speed only: charts hashed instead of drawn, and pure statistics remembered by their input.

    Every figure still comes from the same code; a remembered result is returned only for an
    identical input, so nothing that would move can stay still.
    """
    monkeypatch.setattr(charts, "drawn", harness.stubbed_drawn(harness.chart_stub))
    from tandem.analysis import reliability as reliability_module
    from tandem.reports import feedback

    fit = reliability_module.reliability

    @lru_cache(maxsize=512)
    def remembered(key: bytes, columns: tuple[str, ...], shape: tuple[int, int]) -> Any:
        import numpy as np
        import pandas as pd

        values = np.frombuffer(key, dtype=float).reshape(shape)
        return fit(pd.DataFrame(values, columns=list(columns)))

    def reliability(items: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return fit(items, *args, **kwargs)
        values = items.to_numpy(dtype=float)
        return remembered(values.tobytes(), tuple(map(str, items.columns)), values.shape)

    monkeypatch.setattr(feedback, "reliability", reliability)

    from tandem.networks.selectors import indices as network_indices

    summarise = network_indices.network_summary
    summaries: dict[str, Any] = {}

    def network_summary(net: Any, **kwargs: Any) -> Any:
        key = repr((net.nodes, net.edges, net.directed, sorted(net.attributes.items()), kwargs))
        if key not in summaries:
            summaries[key] = summarise(net, **kwargs)
        return summaries[key]

    monkeypatch.setattr(network_indices, "network_summary", network_summary)
    from tandem.reports import pdf

    # The evaluation PDF is drawn from its print HTML; reading that HTML checks the same figures
    # without WeasyPrint's seconds per read (the PDFs themselves: tests/reports).
    monkeypatch.setattr(pdf, "_render", lambda html: html.encode())


@pytest.fixture
def scenario(demo: Any, quick_charts: None) -> Scenario:
    return build_scenario(demo)


def _surfaces(s: Scenario) -> list[tuple[str, str, bool]]:
    """(name, url, api) for every aggregate surface and every object it is read for."""
    found = []
    for name, surface in AGGREGATE.items():
        for args in surface.variants(s):
            found.append((name, reverse(name, kwargs=args), RULES[name].api))
    return found


def _read_all(
    s: Scenario, clients: dict[str, Any], tokens: dict[str, str]
) -> dict[tuple[str, str, str], harness.Reading]:
    readings = {}
    for name, url, api in _surfaces(s):
        roles = AGGREGATE[name].roles or RULES[name].roles
        for role in sorted(roles & RULES[name].roles & set(clients)):
            readings[(name, url, role)] = harness.read(
                clients[role], url, token=tokens[role] if api else None
            )
    return readings


def _print_html(s: Scenario) -> dict[str, list[str]]:
    """The feedback and comparison PDFs' content (their print HTML) for the open waves."""
    from tandem.reports import pdf

    return {
        "feedback PDF, open stock take": harness.html_tokens(
            pdf.feedback_pdf(s.open_take).decode()
        ),
        "feedback PDF, meeting pulse": harness.html_tokens(pdf.feedback_pdf(s.pulse).decode()),
        "comparison PDF, baseline and open stock take": harness.html_tokens(
            pdf.comparison_pdf(s.baseline, s.open_take).decode()
        ),
    }


def _changes(
    before: dict[Any, harness.Reading], after: dict[Any, harness.Reading], numbers_only: bool
) -> list[str]:
    changed = []
    for key, first in before.items():
        second = after[key]
        if first.status != second.status:
            changed.append(f"{key}: status {first.status} → {second.status}")
            continue
        one, two = first.tokens, second.tokens
        if numbers_only:
            one, two = tuple(harness.numbers_only(one)), tuple(harness.numbers_only(two))
        if one != two:
            diff = [(a, b) for a, b in zip(one, two, strict=False) if a != b][:4]
            changed.append(f"{key}: {diff or (len(one), len(two))}")
    return changed


def run_harness(
    s: Scenario, events: tuple[harness.Event, ...] = EVENTS, with_pdfs: bool = True
) -> list[str]:
    """Read, add one person's data, read again — for every event; what moved, in words."""
    clients = harness.clients(s.demo)
    tokens = harness.bearer_tokens()
    readings = _read_all(s, clients, tokens)
    assert any(r.status == 200 for r in readings.values())

    def print_html() -> dict[str, harness.Reading]:
        if not with_pdfs:
            return {}
        return {key: harness.Reading(200, tuple(v)) for key, v in _print_html(s).items()}

    printed = print_html()
    problems = []
    for event in events:
        event.apply(s)
        again = _read_all(s, clients, tokens)
        printed_again = print_html()
        for line in _changes(readings, again, event.numbers_only) + _changes(
            printed, printed_again, event.numbers_only
        ):
            problems.append(f"after {event.name}: {line}")
        readings, printed = again, printed_again
    return problems


def test_no_figure_moves_when_one_persons_data_arrives(scenario: Scenario) -> None:
    problems = run_harness(scenario)
    assert problems == [], "\n".join(problems)


def test_no_two_shown_populations_differ_by_fewer_than_k(scenario: Scenario) -> None:
    # Read everything every role can read, then check every pair of populations shown for the
    # same scope and measure — the report against the comparison, a map against its indices, a
    # trend month against its wave — for nested (or near-equal) populations 1 to k − 1 apart.
    harness_clients = harness.clients(scenario.demo)
    _read_all(scenario, harness_clients, harness.bearer_tokens())
    k = scenario.programme.min_group_size
    families: dict[tuple[str, str], list[frozenset[int]]] = {}
    for row in DisclosedPopulation.objects.filter(programme=scenario.programme):
        families.setdefault((row.scope, row.measure), []).append(frozenset(row.members))
    assert families, "reading the surfaces recorded no population: is the ledger in use?"
    unsafe = {key: family_conflicts(family, k=k) for key, family in families.items()}
    assert {key: found for key, found in unsafe.items() if found} == {}
    for family in families.values():
        for a, b in combinations(family, 2):
            assert not 0 < len(a ^ b) < k


def shown_group_sizes(s: Scenario, client: Any, token: str) -> list[tuple[str, int, int, str]]:
    """(measure, wave id, n, where) for every scale figure the API shows — what an attacker reads.

    Independent of the ledger: it reads the numbers of people the API prints beside each figure.
    """
    found = []
    slug = s.programme.slug
    headers = {"Authorization": f"Bearer {token}"}
    for wave in _waves(s):
        report = client.get(
            f"/api/v1/programmes/{slug}/reports/{wave.pk}/feedback", headers=headers
        )
        for scale in report.json()["scales"]:
            figures = {"everyone": scale["overall"], **scale["by_group"]}
            for group, figure in figures.items():
                if figure["n"]:
                    where = f"report of wave {wave.pk}, {group}"
                    found.append((f"scale:{scale['id']}:{group}", wave.pk, figure["n"], where))
    for args in _pairs(s):
        before, after = args["before_id"], args["after_id"]
        comparison = client.get(
            f"/api/v1/programmes/{slug}/reports/{before}/compare/{after}", headers=headers
        ).json()
        for row in comparison["scales"]:
            if row["n_matched"]:
                for wave_id in (before, after):
                    where = f"comparison {before}→{after}"
                    found.append((f"scale:{row['id']}:everyone", wave_id, row["n_matched"], where))
    return found


def near_groups(sizes: list[tuple[str, int, int, str]], k: int) -> list[str]:
    """Pairs of figures of one measure and wave over groups 1 to k − 1 people apart."""
    problems = []
    for (m1, w1, n1, where1), (m2, w2, n2, where2) in combinations(sizes, 2):
        if (m1, w1) == (m2, w2) and 0 < abs(n1 - n2) < k:
            problems.append(f"{m1} of wave {w1}: {n1} ({where1}) and {n2} ({where2})")
    return problems


def test_no_reader_sees_the_same_figure_over_groups_a_few_people_apart(scenario: Scenario) -> None:
    client = harness.clients(scenario.demo)[harness.LEAD]
    token = harness.bearer_tokens()[harness.LEAD]
    sizes = shown_group_sizes(scenario, client, token)
    assert sizes, "the API showed no figure at all"
    assert near_groups(sizes, scenario.programme.min_group_size) == []


# ---------------------------------------------------------------------------------------------
# The harness itself: it must fail when the protections are taken away
# ---------------------------------------------------------------------------------------------


def test_the_harness_catches_a_figure_shown_for_an_open_wave(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tandem.disclosure.ledger import Scope
    from tandem.reports import feedback

    # Re-introduce the hole of issue 13: an open wave's report shows its figures.
    monkeypatch.setattr(
        feedback, "wave_scope", lambda wave: Scope(key=f"wave:{wave.pk}", frozen=True)
    )
    global AGGREGATE
    only = {name: AGGREGATE[name] for name in ("reports:feedback", "api-v1:feedback")}
    monkeypatch.setattr(__import__(__name__, fromlist=["AGGREGATE"]), "AGGREGATE", only)
    problems = run_harness(scenario, events=EVENTS[:1], with_pdfs=False)
    assert any(f"/reports/waves/{scenario.open_take.pk}/" in p for p in problems), problems
    assert any(f"/reports/{scenario.open_take.pk}/feedback" in p for p in problems), problems


def test_the_harness_catches_a_comparison_beside_a_report_two_people_apart(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tandem.disclosure import ledger
    from tandem.surveys.models import Invitation, InvitationStatus

    # Two people who answered both stock takes lose their baseline: 17 in the repeat report,
    # 15 matched. With the ledger switched off, both readings show their figures.
    repeat = set(
        scenario.repeat.invitations.filter(status=InvitationStatus.SUBMITTED).values_list(
            "participant", flat=True
        )
    )
    Invitation.objects.filter(wave=scenario.baseline, participant__in=sorted(repeat)[:2]).update(
        status=InvitationStatus.IN_PROGRESS
    )
    DisclosedPopulation.objects.filter(programme=scenario.programme).delete()
    client = harness.clients(scenario.demo)[harness.LEAD]
    token = harness.bearer_tokens()[harness.LEAD]
    k = scenario.programme.min_group_size
    assert near_groups(shown_group_sizes(scenario, client, token), k) == []
    DisclosedPopulation.objects.filter(programme=scenario.programme).delete()
    monkeypatch.setattr(ledger, "differencing_conflict", lambda *args, **kwargs: None)
    caught = near_groups(shown_group_sizes(scenario, client, token), k)
    assert any("17" in line and "15" in line for line in caught), caught
