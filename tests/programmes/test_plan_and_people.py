"""The lead's plan from a programme just started to an open baseline, and the people pages:
adding and inviting someone, changing their role, someone leaving part-way through."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.programmes import services
from tandem.programmes.models import Level, Participant, Profession, Role
from tandem.programmes.setup import programme_start
from tandem.surveys import services as survey_services
from tandem.surveys.models import Invitation, Wave, WaveKind

pytestmark = pytest.mark.django_db


def plan_text(client: Client, slug: str) -> str:
    html = client.get(f"/programmes/{slug}/").content.decode()
    start = html.index("Your plan")
    return html[start : html.index("</div>\n</div>", start)]


def buttons(text: str) -> list[str]:
    return re.findall(r'class="nhsuk-button[^"]*" href="[^"]*">([^<]+)</a>', text)


@pytest.fixture
def fresh(django_capture_on_commit_callbacks):
    organisation = services.organisation_create(name="Moorside NHS Trust")
    locality = services.locality_get_or_create(organisation=organisation, name="Moorside")
    service = services.service_get_or_create(locality=locality, name="Moorside CMHT")
    with django_capture_on_commit_callbacks(execute=True):
        programme = programme_start(
            organisation=organisation,
            title="Moorside partnership 2027",
            start_date=timezone.localdate(),
            template_id="partnership-12m",
            lead_email="lead@moorside.example",
            lead_name="Lena Lead",
        )
    user = get_user_model().objects.get(email="lead@moorside.example")
    user.set_password("a-long-test-password")
    user.save()
    client = Client()
    client.force_login(user)
    return programme, service, client


def add(programme, service, name, profession):
    person = services.person_upsert(
        organisation=programme.organisation,
        name=name,
        email=f"{name.split()[-1].lower()}@moorside.example",
        profession=profession,
        level=Level.SERVICE,
        service=service,
    )
    return services.participant_add(programme=programme, person=person)


def test_the_plan_follows_the_programme_from_empty_to_an_open_baseline(fresh, mailoutbox) -> None:
    programme, service, client = fresh
    text = plan_text(client, programme.slug)
    assert "No milestone has begun yet." in text  # the baseline opens a week after the start
    assert "Next: Baseline stock take" in text
    assert buttons(text) == ["Import participants"]

    doctor = add(programme, service, "Dr Ann Ash", Profession.DOCTOR)
    manager = add(programme, service, "Ben Birch", Profession.MANAGER)
    text = plan_text(client, programme.slug)
    assert buttons(text)[:2] == ["Pair 1 unpaired service", "Open the baseline stock take"]
    assert "Assign coaches to 2 people" in text
    assert "Plan the first away day" in text

    services.pair_create(programme=programme, service=service, doctor=doctor, manager=manager)
    baseline = Wave.objects.get(programme=programme, kind=WaveKind.BASELINE)
    assert buttons(plan_text(client, programme.slug))[0] == "Open the baseline stock take"

    # "Open" on the wave's page: everyone is invited and e-mailed, today.
    response = client.post(
        f"/programmes/{programme.slug}/questionnaires/{baseline.pk}/send/", {"what": "open"}
    )
    assert response.status_code == 302
    baseline.refresh_from_db()
    assert baseline.opens_on == timezone.localdate()
    assert baseline.invitations.count() == 2
    assert {m.to[0] for m in mailoutbox} >= {"ash@moorside.example", "birch@moorside.example"}
    assert buttons(plan_text(client, programme.slug))[0] == (
        "Send reminders to 2 people (Baseline stock take)"
    )

    for invitation in baseline.invitations.all():
        Invitation.objects.filter(pk=invitation.pk).update(status="submitted")
    assert buttons(plan_text(client, programme.slug))[0] == (
        "Close the baseline stock take: everyone has answered"
    )
    survey_services.wave_close(wave=baseline)
    assert buttons(plan_text(client, programme.slug))[0] == (
        "Release the feedback report of the baseline stock take"
    )


def test_a_late_wave_is_overdue_and_comes_first(fresh) -> None:
    programme, service, client = fresh
    add(programme, service, "Dr Ann Ash", Profession.DOCTOR)
    baseline = Wave.objects.get(programme=programme, kind=WaveKind.BASELINE)
    Wave.objects.filter(pk=baseline.pk).update(opens_on=timezone.localdate() - dt.timedelta(days=3))
    text = plan_text(client, programme.slug)
    assert "Overdue" in text
    assert buttons(text)[0] == "Open the baseline stock take"


def test_nobody_but_the_lead_sees_the_plan(demo, sponsor_client, participant_client) -> None:
    for client in (sponsor_client, participant_client):
        html = client.get(f"/programmes/{demo.programme.slug}/").content.decode()
        assert "Your plan" not in html


def test_the_lead_adds_a_person_who_is_sent_a_link_to_choose_a_password(
    demo, lead_client, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    slug = demo.programme.slug
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            f"/programmes/{slug}/people/new/",
            {
                "name": "Dr Zed Zimmer",
                "email": "Zed.Zimmer@riverside-fells.example",
                "role": Role.PARTICIPANT,
                "profession": Profession.DOCTOR,
                "level": Level.SERVICE,
                "service": "",
                "job_title": "",
            },
        )
    assert response.status_code == 302
    participant = Participant.objects.get(programme=demo.programme, person__name="Dr Zed Zimmer")
    assert participant.person.email == "zed.zimmer@riverside-fells.example"
    (message,) = mailoutbox
    assert message.to == ["zed.zimmer@riverside-fells.example"]
    link = re.search(r"https?://\S+/password/\S+/\S+/", message.body)
    assert link is not None
    # The link lets them choose a password (no password is ever sent).
    user = participant.person.user
    assert not user.has_usable_password()
    path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
    browser = Client()
    form_page = browser.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    browser.post(
        set_url,
        {"new_password1": "a long new passphrase 42", "new_password2": "a long new passphrase 42"},
    )
    user.refresh_from_db()
    assert user.check_password("a long new passphrase 42")


def test_adding_someone_twice_or_from_another_organisation_is_refused(demo, lead_client) -> None:
    slug = demo.programme.slug
    other = services.organisation_create(name="Elsewhere Trust")
    services.person_upsert(
        organisation=other,
        name="Olga Other",
        email="olga@elsewhere.example",
        profession=Profession.MANAGER,
        level=Level.SERVICE,
    )
    before = Participant.objects.count()
    for email, message in (
        ("anna.kowalski@riverside-fells.example", "is already in this programme"),
        ("olga@elsewhere.example", "belongs to someone in another organisation"),
    ):
        response = lead_client.post(
            f"/programmes/{slug}/people/new/",
            {
                "name": "Someone",
                "email": email,
                "role": Role.PARTICIPANT,
                "profession": Profession.MANAGER,
                "level": Level.SERVICE,
            },
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    assert Participant.objects.count() == before
    assert len(mail.outbox) == 0


def test_someone_who_leaves_drops_out_of_waves_not_yet_open_and_of_reminders(
    demo, lead_client
) -> None:
    programme = demo.programme
    person = Participant.objects.get(programme=programme, person__name="Dr Ben Hartley")
    future = survey_services.wave_create(
        programme=programme,
        title="Next pulse",
        kind=WaveKind.PULSE,
        instrument_id="pair-check-in",
        opens_on=timezone.localdate() + dt.timedelta(days=10),
        closes_on=timezone.localdate() + dt.timedelta(days=20),
    )
    assert future.invitations.filter(participant=person).exists()
    answered_before = Invitation.objects.filter(participant=person, status="submitted").count()
    response = lead_client.post(
        f"/programmes/{programme.slug}/people/{person.pk}/leave/",
        {"left_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.left_on == timezone.localdate()
    assert not future.invitations.filter(participant=person).exists()
    # What they gave stays.
    assert (
        Invitation.objects.filter(participant=person, status="submitted").count() == answered_before
    )
    assert answered_before > 0
    # No new wave asks them, nor does a reminder reach them.
    later = survey_services.wave_create(
        programme=programme,
        title="Later pulse",
        kind=WaveKind.PULSE,
        instrument_id="pair-check-in",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + dt.timedelta(days=20),
    )
    assert not later.invitations.filter(participant=person).exists()
    assert AuditEvent.objects.filter(action="participant.leave").exists()
    page = lead_client.get(f"/programmes/{programme.slug}/people/{person.pk}/").content.decode()
    assert "left the programme on" in page
    listing = lead_client.get(f"/programmes/{programme.slug}/people/").content.decode()
    assert 'Dr Ben Hartley</a> <strong class="nhsuk-tag nhsuk-tag--grey">Left ' in listing


def test_the_last_lead_cannot_leave_or_change_role(demo, lead_client) -> None:
    programme = demo.programme
    lead = Participant.objects.get(programme=programme, role=Role.PROGRAMME_LEAD)
    lead_client.post(
        f"/programmes/{programme.slug}/people/{lead.pk}/role/", {"role": Role.PARTICIPANT}
    )
    lead.refresh_from_db()
    assert lead.role == Role.PROGRAMME_LEAD
    lead_client.post(
        f"/programmes/{programme.slug}/people/{lead.pk}/leave/",
        {"left_on": timezone.localdate().isoformat()},
    )
    lead.refresh_from_db()
    assert lead.left_on is None


def test_a_member_of_a_pair_is_unpaired_before_becoming_a_coach(demo, lead_client) -> None:
    programme = demo.programme
    person = Participant.objects.get(programme=programme, person__name="Dr Amara Okafor")
    response = lead_client.post(
        f"/programmes/{programme.slug}/people/{person.pk}/role/", {"role": Role.COACH}, follow=True
    )
    assert "unpair them first" in response.content.decode()
    person.refresh_from_db()
    assert person.role == Role.PARTICIPANT
    sponsor = Participant.objects.get(programme=programme, person__name="Richard Ashworth")
    lead_client.post(
        f"/programmes/{programme.slug}/people/{sponsor.pk}/role/", {"role": Role.COACH}
    )
    sponsor.refresh_from_db()
    assert sponsor.role == Role.COACH


@pytest.mark.parametrize("path", ["people/new/", "people/{pk}/role/", "people/{pk}/leave/"])
def test_only_the_lead_manages_people(demo, sponsor_client, path: str) -> None:
    pk = Participant.objects.get(programme=demo.programme, person__name="Dr Ben Hartley").pk
    url = f"/programmes/{demo.programme.slug}/" + path.format(pk=pk)
    assert sponsor_client.post(url, {"role": Role.COACH}).status_code == 403
