"""A comparison group in the stock takes: people of the organisation outside the programme who
answer both stock takes by their link. Their answers count in no programme figure, and the
evaluation's "Did the programme make a difference?" sets the programme group's matched change
against theirs (difference in differences, Welch), under k like every figure."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from scipy import stats

from tandem.analysis.scoring import score_items
from tandem.programmes.access import access_for
from tandem.programmes.models import Participant, Role, Service
from tandem.programmes.people import person_invite, role_change
from tandem.programmes.services import pair_create
from tandem.reports import pdf
from tandem.reports.data import wave_data
from tandem.reports.evaluation import build_evaluation
from tandem.surveys import services as survey_services
from tandem.surveys.forms import WaveForm
from tandem.surveys.models import Answer, Invitation, InvitationStatus, Wave, WaveKind
from tandem.surveys.scales import scale_definitions

from ..conftest import participant_named
from ..pdf import pdf_text


def text_of(client: Client, url: str) -> str:
    body = client.get(url).content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def comparison_people(demo) -> list[Participant]:
    return list(Participant.objects.filter(programme=demo.programme, role=Role.COMPARISON))


def stock_takes(demo) -> tuple[Wave, Wave]:
    waves = Wave.objects.filter(programme=demo.programme).exclude(kind=WaveKind.PULSE)
    return waves.get(kind=WaveKind.BASELINE), waves.get(kind=WaveKind.REPEAT)


def scores_by_hand(wave: Wave, people: list[int]):
    """Each person's scale scores, read from their Answer rows here, not through reports.data."""
    import pandas as pd

    rows = Answer.objects.filter(
        invitation__wave=wave,
        invitation__participant_id__in=people,
        invitation__status=InvitationStatus.SUBMITTED,
        dont_know=False,
        value__isnull=False,
    ).values_list("invitation__participant_id", "item_id", "value")
    frame = pd.DataFrame(list(rows), columns=["person", "item", "value"]).pivot(
        index="person", columns="item", values="value"
    )
    scales = scale_definitions(wave.instrument)
    likert = [item.id for item in wave.instrument.likert_items]
    return score_items(frame.reindex(columns=likert).astype(float), scales)


def test_the_demo_has_a_comparison_group_in_both_stock_takes(demo) -> None:
    people = comparison_people(demo)
    assert len(people) == 12
    baseline, repeat = stock_takes(demo)
    for wave, answered in ((baseline, 11), (repeat, 10)):
        group = wave.invitations.comparison_group()
        assert group.count() == 12
        assert group.filter(status=InvitationStatus.SUBMITTED).count() == answered
    # Nobody in it is in a pair, on the roster or has an account they could sign in with.
    assert not any(p.person.user and p.person.user.has_usable_password() for p in people)


def test_comparison_answers_count_in_no_programme_figure(demo, lead_client: Client) -> None:
    baseline, _ = stock_takes(demo)
    theirs = {p.pk for p in comparison_people(demo)}
    data = wave_data(baseline)
    assert not theirs & set(data.respondents.index)
    assert not theirs & set(data.invited.index)
    assert len(data.invited) == 24 and len(data.respondents) == 22
    completion = text_of(
        lead_client, f"/programmes/{demo.programme.slug}/questionnaires/{baseline.pk}/"
    )
    assert "Comparison group (not in the programme)" in completion
    # The programme's response rate is still 22 of 24, the comparison group's is its own row.
    assert re.search(r"Comparison group \(not in the programme\) 12 11 92%", completion), completion
    assert "22 of 24 submitted" in completion


def test_the_difference_in_differences_matches_welch_on_the_answers(demo) -> None:
    lead = participant_named(demo, "Priya Sandhu").person.user
    report = build_evaluation(viewer=lead, programme=demo.programme)
    did = report.impact.did
    assert did is not None and did.comparison_matched == 10
    baseline, repeat = stock_takes(demo)
    ours = [
        p.pk for p in Participant.objects.filter(programme=demo.programme, role=Role.PARTICIPANT)
    ]
    theirs = [p.pk for p in comparison_people(demo)]
    shown = [row for row in did.rows if not row.result.suppressed]
    assert shown, "the demo's comparison group is large enough to show every scale"
    for row in shown:
        changes = []
        for people in (ours, theirs):
            before = scores_by_hand(baseline, people)[row.id].dropna()
            after = scores_by_hand(repeat, people)[row.id].dropna()
            matched = before.index.intersection(after.index)
            changes.append(after[matched] - before[matched])
        welch = stats.ttest_ind(changes[0], changes[1], equal_var=False)
        interval = welch.confidence_interval(0.95)
        assert row.result.n_comparison == len(changes[1])
        assert row.comparison_change == pytest.approx(changes[1].mean(), abs=1e-12)
        assert row.result.difference == pytest.approx(
            changes[0].mean() - changes[1].mean(), abs=1e-12
        )
        assert row.result.ci_low == pytest.approx(interval.low, abs=1e-9)
        assert row.result.ci_high == pytest.approx(interval.high, abs=1e-9)
        assert row.result.p == pytest.approx(welch.pvalue, abs=1e-9)
    # The demo's programme group improved on communication; the comparison group hardly moved.
    communication = next(row for row in shown if row.id == "communication")
    assert communication.result.difference > 0 and communication.result.p < 0.05


def test_the_page_and_the_pdf_show_the_table(demo, lead_client: Client) -> None:
    lead = participant_named(demo, "Priya Sandhu").person.user
    report = build_evaluation(viewer=lead, programme=demo.programme)
    row = next(r for r in report.impact.did.rows if r.id == "communication")
    expected = (
        f"{row.result.difference:+.2f} ({row.result.ci_low:+.2f} to {row.result.ci_high:+.2f})"
    ).replace("-", "−")
    page = text_of(lead_client, f"/programmes/{demo.programme.slug}/reports/evaluation/")
    section = page[page.index("Did the programme make a difference?") :]
    assert "No comparison group answered" not in section
    assert "10 comparison respondents answered both" in section
    assert expected in section
    text = " ".join(pdf_text(pdf.evaluation_pdf(report)).split())
    assert expected in text


def test_below_k_comparison_respondents_no_comparison_figure_is_shown(demo) -> None:
    programme = demo.programme
    programme.min_group_size = 11  # the programme has 17 matched, the comparison group 10
    programme.save(update_fields=["min_group_size"])
    lead = participant_named(demo, "Priya Sandhu").person.user
    report = build_evaluation(viewer=lead, programme=programme)
    did = report.impact.did
    assert did.comparison_matched is None
    for row in did.rows:
        assert row.comparison_change is None and row.result.difference is None
        assert row.result.suppressed
    html_text = text_of(Client(), "/")  # nothing leaks to the anonymous front page either
    assert "comparison respondents answered" not in html_text


def test_a_comparison_respondent_answers_by_link_and_sees_no_programme_page(
    demo, client: Client
) -> None:
    person = comparison_people(demo)[0]
    access = access_for(viewer=person.person.user, programme=demo.programme)
    assert not access.is_member
    client.force_login(person.person.user)
    assert client.get(f"/programmes/{demo.programme.slug}/").status_code == 404
    # The roster page (about the programme's members) asks them nothing.
    programme = demo.programme
    wave = survey_services.wave_create(
        programme=programme,
        title="Third stock take",
        kind=WaveKind.REPEAT,
        instrument_id="stock-take",
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=14),
        roles=(Role.PARTICIPANT, Role.COMPARISON),
    )
    invitation = Invitation.objects.get(wave=wave, participant=person)
    start = Client().get(f"/s/{invitation.token}/").content.decode()
    assert "You are answering as part of a comparison group" in start
    assert "Written answers from the comparison group are not read or analysed" in start
    roster = next(s for s in wave.instrument.sections if s.type == "roster")
    page = Client().get(f"/s/{invitation.token}/page/{roster.id}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "there is nothing for you to answer here" in body
    assert "Dr Amara Okafor" not in body, "no programme member is listed"


def test_their_invitation_says_they_are_the_comparison_group(demo) -> None:
    programme = demo.programme
    wave = survey_services.wave_create(
        programme=programme,
        title="Third stock take",
        kind=WaveKind.REPEAT,
        instrument_id="stock-take",
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=14),
        roles=(Role.PARTICIPANT, Role.COMPARISON),
    )
    mail.outbox.clear()
    survey_services.invitations_send(wave=wave, base_url="https://tandem.example/")
    theirs = {p.person.email for p in comparison_people(demo)}
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert theirs <= set(bodies)
    for email, body in bodies.items():
        assert ("comparison group" in body) == (email in theirs), email


def test_a_pulse_cannot_invite_comparison_respondents(demo) -> None:
    with pytest.raises(ValidationError) as refused:
        survey_services.wave_create(
            programme=demo.programme,
            title="Check-in",
            kind=WaveKind.PULSE,
            instrument_id="pair-check-in",
            opens_on=dt.date.today(),
            closes_on=dt.date.today(),
            roles=(Role.PARTICIPANT, Role.COMPARISON),
        )
    assert "Only stock takes can invite comparison respondents" in str(refused.value)
    form = WaveForm(
        {
            "title": "Check-in",
            "kind": WaveKind.PULSE,
            "instrument": "pair-check-in:1",
            "opens_on": "2026-12-05",
            "closes_on": "2026-12-20",
            "roles": [Role.PARTICIPANT, Role.COMPARISON],
        }
    )
    assert not form.is_valid()
    assert "Only stock takes can invite comparison respondents" in str(form.errors["roles"])


def test_a_comparison_respondent_cannot_be_paired_or_moved_into_the_programme(demo) -> None:
    person = next(p for p in comparison_people(demo) if p.person.profession == "doctor")
    manager = participant_named(demo, "Anna Kowalski")
    service = Service.objects.get(name="Psychological Therapies Service")
    with pytest.raises(ValidationError) as refused:
        pair_create(programme=demo.programme, service=service, doctor=person, manager=manager)
    assert "comparison respondent" in str(refused.value)
    with pytest.raises(ValidationError) as moved:
        role_change(participant=person, role=Role.PARTICIPANT)
    assert "would mix the two groups' answers" in str(moved.value)


def test_adding_a_comparison_respondent_sends_no_account_email(demo) -> None:
    mail.outbox.clear()
    service = Service.objects.get(name="Learning Disability Service")
    added = person_invite(
        programme=demo.programme,
        name="Dr New Colleague",
        email="new.colleague@example.nhs.uk",
        profession="doctor",
        level="service",
        role=Role.COMPARISON,
        service=service,
    )
    assert added.role == Role.COMPARISON
    assert not mail.outbox


def test_only_the_lead_sees_who_is_in_the_comparison_group(
    demo, lead_client: Client, participant_client: Client
) -> None:
    name = comparison_people(demo)[0].person.name
    url = f"/programmes/{demo.programme.slug}/people/"
    assert name in text_of(lead_client, url)
    assert name not in text_of(participant_client, url)
    # Nor is anyone in it offered as a pair member or an action's owner.
    for page in ("pairs/new/", "workshops/actions/new/"):
        body = text_of(lead_client, f"/programmes/{demo.programme.slug}/{page}")
        assert name not in body, page


def test_the_lead_invites_the_comparison_group_to_a_planned_stock_take(
    demo, lead_client: Client
) -> None:
    programme = demo.programme
    wave = survey_services.wave_create(
        programme=programme,
        title="Third stock take",
        kind=WaveKind.REPEAT,
        instrument_id="stock-take",
        opens_on=dt.date.today() + dt.timedelta(days=30),
        closes_on=dt.date.today() + dt.timedelta(days=44),
    )
    assert not wave.invitations.comparison_group().exists()
    page_url = f"/programmes/{programme.slug}/questionnaires/{wave.pk}/"
    planned = text_of(lead_client, page_url)
    assert "Invite 12 comparison respondents" in planned
    # Before it opens, the page says what the stock take could detect (24 participants invited)
    # and what the comparison group would add (12 invited, about 7 matched against 15).
    assert "If 24 people are invited, 80% answer" in planned
    from tandem.analysis.impact import did_mde

    assert (
        "With 12 comparison respondents invited (about 7 matched at the same rates), the "
        f"difference between the two groups' change could be detected from {did_mde(15, 7):.2f} "
        "standard deviations of the change"
    ) in planned
    response = lead_client.post(f"{page_url}send/", {"what": "comparison"}, follow=True)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    assert "Invited 12 comparison respondents. They are e-mailed when the wave opens." in text
    assert wave.invitations.comparison_group().count() == 12
    assert "12 comparison respondents invited to this wave." in text
    assert "Invite 12" not in text
    # A pulse has no comparison group.
    pulse = Wave.objects.filter(programme=programme, kind=WaveKind.PULSE).first()
    refused = lead_client.post(
        f"/programmes/{programme.slug}/questionnaires/{pulse.pk}/send/",
        {"what": "comparison"},
        follow=True,
    )
    assert "Only stock takes can invite comparison respondents" in refused.content.decode()
    assert not pulse.invitations.comparison_group().exists()


def test_the_import_will_not_move_an_invited_comparison_respondent_into_the_programme(
    demo,
) -> None:
    from tandem.programmes.importer import plan_participant_import

    person = comparison_people(demo)[0].person
    data = (
        "name,email,profession,level,locality,service,programme role\r\n"
        f"{person.name},{person.email},doctor,service,{person.service.locality.name},"
        f"{person.service.name},participant\r\n"
    ).encode()
    plan = plan_participant_import(programme=demo.programme, data=data, filename="people.csv")
    assert [(e.row, e.column) for e in plan.errors] == [(2, "programme role")]
    assert "would mix the two groups' answers" in plan.errors[0].message
