"""An erased person is withdrawn from the programme: asked for nothing, sent nothing, offered in no
picker — while the numbers of what they answered stay (issue 14, item 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tandem.coaching import services as coaching_services
from tandem.coaching.models import CoachingPlan
from tandem.coaching.selectors import plan_candidates
from tandem.gdpr.services import person_erase
from tandem.networks.selectors import roster_members
from tandem.programmes import services as programme_services
from tandem.programmes.models import Pair, Participant, Role, Service
from tandem.surveys import services as survey_services
from tandem.surveys.models import Invitation, WaveKind
from tandem.workshops import services as workshop_services
from tandem.workshops.models import Action, AwayDayInvitation

ERASED = "Dr Ben Hartley"


@pytest.fixture
def ben(demo) -> Participant:
    participant = Participant.objects.select_related("person").get(
        programme=demo.programme, person__name=ERASED
    )
    person_erase(person=participant.person)
    participant.person.refresh_from_db()
    assert participant.person.erased_at is not None
    return participant


def _open_wave(demo):
    today = timezone.localdate()
    return survey_services.wave_create(
        programme=demo.programme,
        title="After the erasure",
        kind=WaveKind.PULSE,
        instrument_id="pair-check-in",
        opens_on=today,
        closes_on=today + dt.timedelta(days=7),
    )


def test_no_new_wave_invites_them_and_no_invitation_can_be_added(demo, ben) -> None:
    wave = _open_wave(demo)
    assert not Invitation.objects.filter(wave=wave, participant=ben).exists()
    assert survey_services.invitations_add(wave=wave, participants=[ben]) == 0


def test_no_invitation_or_reminder_is_sent_to_them(demo) -> None:
    wave = _open_wave(demo)
    ben = Participant.objects.get(programme=demo.programme, person__name=ERASED)
    assert Invitation.objects.filter(wave=wave, participant=ben).exists()  # invited before
    person_erase(person=ben.person)
    mail.outbox.clear()
    survey_services.invitations_send(wave=wave, resend=True)
    survey_services.invitations_remind(wave=wave)
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients, "the others were e-mailed"
    assert not any(address.endswith("@erased.invalid") for address in recipients)


def test_they_are_offered_in_no_coaching_picker_and_get_no_plan_or_nudge(demo, ben) -> None:
    coachees, _ = plan_candidates(programme=demo.programme)
    assert ben not in coachees
    CoachingPlan.objects.filter(coachee=ben).delete()
    coach = Participant.objects.get(programme=demo.programme, person__name="Nadia Foster")
    with pytest.raises(ValidationError, match="withdrawn"):
        coaching_services.plan_create(coachee=ben, coach=coach)


def test_a_stalled_plan_of_theirs_sends_no_reminder(demo) -> None:
    ben = Participant.objects.get(programme=demo.programme, person__name=ERASED)
    coach = Participant.objects.get(programme=demo.programme, person__name="Nadia Foster")
    plan = CoachingPlan.objects.filter(coachee=ben).first() or coaching_services.plan_create(
        coachee=ben, coach=coach
    )
    plan.sessions.all().delete()
    CoachingPlan.objects.filter(pk=plan.pk).update(
        started_on=timezone.localdate() - dt.timedelta(days=200), reminded_at=None
    )
    person_erase(person=ben.person)
    mail.outbox.clear()
    coaching_services.reminders_send(programme=demo.programme)
    assert not any(
        address.endswith("@erased.invalid") for message in mail.outbox for address in message.to
    )


def test_they_cannot_be_paired_and_the_pair_form_does_not_offer_them(
    demo, ben, lead_client
) -> None:
    Pair.objects.filter(doctor=ben).delete()
    response = lead_client.get(f"/programmes/{demo.programme.slug}/pairs/new/")
    assert response.status_code == 200
    assert ben.person.name not in response.content.decode()
    assert "Dr Amara Okafor" in response.content.decode()
    manager = Participant.objects.get(programme=demo.programme, person__name="Brian Doyle")
    service = Service.objects.get(name="Crisis Resolution and Home Treatment")
    with pytest.raises(ValidationError, match="withdrawn"):
        programme_services.pair_create(
            programme=demo.programme, service=service, doctor=ben, manager=manager
        )


def test_no_away_day_invites_them_and_no_action_is_theirs(demo, ben, lead_client) -> None:
    day = workshop_services.away_day_create(
        programme=demo.programme, title="After", date=timezone.localdate()
    )
    assert not AwayDayInvitation.objects.filter(away_day=day, participant=ben).exists()
    page = lead_client.get(f"/programmes/{demo.programme.slug}/workshops/actions/new/")
    assert page.status_code == 200
    assert ben.person.name not in page.content.decode()
    assert "Dr Amara Okafor" in page.content.decode()
    with pytest.raises(ValidationError, match="withdrawn"):
        workshop_services.action_create(
            programme=demo.programme,
            title="Anything",
            owner=ben,
            due_on=timezone.localdate(),
        )


def test_their_overdue_actions_send_them_nothing(demo) -> None:
    ben = Participant.objects.get(programme=demo.programme, person__name=ERASED)
    Action.objects.create(
        programme=demo.programme,
        title="Overdue",
        owner=ben,
        due_on=timezone.localdate() - dt.timedelta(days=30),
    )
    person_erase(person=ben.person)
    mail.outbox.clear()
    workshop_services.overdue_reminders_send(programme=demo.programme)
    assert not any(
        address.endswith("@erased.invalid") for message in mail.outbox for address in message.to
    )


def test_no_roster_asks_about_them_but_past_networks_keep_them(demo, ben) -> None:
    askable = roster_members(programme=demo.programme, askable=True)
    assert ben not in askable
    assert ben in roster_members(programme=demo.programme)


def test_the_lead_still_sees_them_listed_as_erased(demo, ben, lead_client) -> None:
    page = lead_client.get(f"/programmes/{demo.programme.slug}/people/").content.decode()
    assert f"Erased person {ben.person.pk}" in page
    assert ben.role == Role.PARTICIPANT


def test_erasure_removes_their_log_in_traces_tokens_and_authenticator(demo) -> None:
    from axes.models import AccessAttempt, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tandem.api.models import ApiToken
    from tandem.api.services import api_token_create

    ben = Participant.objects.select_related("person__user").get(
        programme=demo.programme, person__name=ERASED
    )
    email, user = ben.person.email, ben.person.user
    AccessAttempt.objects.create(
        username=email, ip_address="10.0.0.1", user_agent="Firefox", failures_since_start=2
    )
    AccessLog.objects.create(username=email, ip_address="10.0.0.1", user_agent="Firefox")
    api_token_create(user=user, name=f"{email}'s laptop", days=30)
    TOTPDevice.objects.create(user=user, name="Ben's phone", confirmed=True)
    person_erase(person=ben.person)
    assert not AccessAttempt.objects.filter(username__iexact=email).exists()
    assert not AccessLog.objects.filter(username__iexact=email).exists()
    assert not ApiToken.objects.filter(user=user).exists()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_others_words_that_name_them_lose_the_name_and_a_bare_surname_is_flagged(demo) -> None:
    from tandem.coding.models import Excerpt
    from tandem.surveys.models import Answer, InvitationStatus

    ben = Participant.objects.select_related("person").get(
        programme=demo.programme, person__name=ERASED
    )
    other = (
        Answer.objects.filter(invitation__status=InvitationStatus.SUBMITTED)
        .exclude(text="")
        .exclude(invitation__participant=ben)
        .select_related("invitation__wave")
        .first()
    )
    assert other is not None
    Answer.objects.filter(pk=other.pk).update(
        text="Before the away day, Dr Hartley chaired it well. Ben Hartley listens."
    )
    second = (
        Answer.objects.exclude(text="")
        .exclude(pk=other.pk)
        .exclude(invitation__participant=ben)
        .first()
    )
    assert second is not None
    Answer.objects.filter(pk=second.pk).update(text="The Hartley unit is short of beds.")
    other.refresh_from_db()
    passage = "Ben Hartley listens."
    start = other.text.index(passage)
    excerpt = Excerpt.objects.create(
        wave=other.invitation.wave,
        answer=other,
        start=start,
        end=start + len(passage),
        text=passage,
        redacted_text=passage,
    )
    report = person_erase(person=ben.person)
    other.refresh_from_db()
    excerpt.refresh_from_db()
    assert other.text == "Before the away day, [name] chaired it well. [name] listens."
    assert excerpt.text == "[name] listens."
    assert other.text[excerpt.start : excerpt.end] == excerpt.text
    second.refresh_from_db()
    assert second.text == "The Hartley unit is short of beds."  # a place, perhaps: the lead decides
    assert report.counts["texts by others naming them (name replaced)"] == 2
    assert report.counts["texts by others with their surname, left for the lead to review"] >= 1


def test_after_erasure_their_e_mail_is_nowhere_in_the_database_files(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'tandem.sqlite3'}",
        TANDEM_HOME=str(tmp_path),
        TANDEM_MEDIA_ROOT=str(tmp_path / "media"),
    )
    run = [sys.executable, "-c", "import sys; from tandem.cli import main; sys.exit(main())"]
    subprocess.run([*run, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    email = "ben.hartley@riverside-fells.example"
    # Log-in traces first: a wrong password leaves his address in django-axes' records.
    subprocess.run(
        [
            *run,
            "manage",
            "shell",
            "-c",
            "from axes.models import AccessAttempt; AccessAttempt.objects.create("
            f"username='{email}', ip_address='10.0.0.1', user_agent='x', failures_since_start=1)",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    files = [p for p in tmp_path.iterdir() if p.name.startswith("tandem.sqlite3")]
    assert any(email.encode() in p.read_bytes() for p in files)
    subprocess.run(
        [*run, "gdpr", "erase", "--email", email, "--yes"], env=env, check=True, capture_output=True
    )
    files = [p for p in tmp_path.iterdir() if p.name.startswith("tandem.sqlite3")]
    found = [p.name for p in files if email.encode() in p.read_bytes()]
    assert found == []


def test_attendance_of_a_past_away_day_neither_offers_nor_changes_them(demo, lead_client) -> None:
    from tandem.workshops.models import AwayDay

    day = AwayDay.objects.get(programme=demo.programme, title="First away day")
    ben = Participant.objects.select_related("person").get(
        programme=demo.programme, person__name=ERASED
    )
    invitation = AwayDayInvitation.objects.get(away_day=day, participant=ben)
    attended = invitation.attended
    person_erase(person=ben.person)
    ben.person.refresh_from_db()
    page = lead_client.get(
        f"/programmes/{demo.programme.slug}/workshops/away-days/{day.pk}/attendance/"
    )
    assert page.status_code == 200
    assert ben.person.name not in page.content.decode()
    workshop_services.attendance_record(away_day=day, attended=[])
    invitation.refresh_from_db()
    assert invitation.attended == attended
