from __future__ import annotations

import datetime as dt
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tandem.programmes.models import Role
from tandem.surveys import services
from tandem.surveys.models import Answer, Invitation, InvitationStatus, Wave, WaveKind


def test_a_wave_invites_every_participant_once_and_freezes_the_instrument_version(
    open_wave,
) -> None:
    assert open_wave.invitations.count() == 24
    assert (open_wave.instrument_id, open_wave.instrument_version) == ("stock-take", 2)
    assert len({inv.token for inv in open_wave.invitations.all()}) == 24
    assert all(len(inv.token) >= 40 for inv in open_wave.invitations.all())


def test_sponsors_can_be_invited_too(demo) -> None:
    today = timezone.localdate()
    wave = services.wave_create(
        programme=demo.programme,
        title="Everyone",
        kind=WaveKind.BASELINE,
        instrument_id="stock-take",
        opens_on=today,
        closes_on=today,
        roles=[Role.PARTICIPANT, Role.SPONSOR],
    )
    assert wave.invitations.count() == 26


def test_a_wave_closing_before_it_opens_is_refused(demo) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.wave_create(
            programme=demo.programme,
            title="x",
            kind=WaveKind.PULSE,
            instrument_id="pair-check-in",
            opens_on=dt.date(2026, 5, 2),
            closes_on=dt.date(2026, 5, 1),
        )
    assert "closes_on" in excinfo.value.message_dict


def test_an_unknown_questionnaire_is_refused_by_name(demo) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.wave_create(
            programme=demo.programme,
            title="x",
            kind=WaveKind.PULSE,
            instrument_id="no-such-thing",
            opens_on=dt.date(2026, 5, 1),
            closes_on=dt.date(2026, 5, 2),
        )
    assert "no-such-thing" in excinfo.value.message_dict["instrument_id"][0]


def test_saving_an_answer_twice_stores_one_answer(invitation) -> None:
    services.answer_save(invitation=invitation, item_id="comm1", value="4")
    services.answer_save(invitation=invitation, item_id="comm1", value="4")
    assert list(Answer.objects.filter(invitation=invitation).values_list("item_id", "value")) == [
        ("comm1", 4)
    ]
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.IN_PROGRESS
    assert invitation.current_section == "communication"


def test_changing_an_answer_replaces_it(invitation) -> None:
    services.answer_save(invitation=invitation, item_id="comm1", value="4")
    services.answer_save(invitation=invitation, item_id="comm1", value="dont_know")
    answer = Answer.objects.get(invitation=invitation, item_id="comm1")
    assert (answer.value, answer.dont_know) == (None, True)


def test_clearing_an_answer_removes_it(invitation) -> None:
    services.answer_save(invitation=invitation, item_id="works_well", value="Our huddles")
    services.answer_save(invitation=invitation, item_id="works_well", value="  ")
    assert not Answer.objects.filter(invitation=invitation).exists()


@pytest.mark.parametrize(
    ("item_id", "value", "message"),
    [
        ("comm1", "6", "Choose one of the answers shown."),
        ("comm1", "four", "Choose one of the answers shown."),
        ("nope", "3", "This questionnaire has no question “nope”."),
        ("works_well", "x" * 5001, "Keep your answer under 5000 characters."),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_stored(
    invitation, item_id, value, message
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.answer_save(invitation=invitation, item_id=item_id, value=value)
    assert excinfo.value.messages == [message]
    assert not Answer.objects.filter(invitation=invitation).exists()


def test_a_page_stores_its_valid_answers_and_reports_the_invalid_one(invitation) -> None:
    errors = services.section_save(
        invitation=invitation,
        section_id="communication",
        data={"comm1": "5", "comm2": "9", "comm3": "dont_know"},
    )
    assert errors == {"comm2": "Choose one of the answers shown."}
    assert dict(
        Answer.objects.filter(invitation=invitation).values_list("item_id", "dont_know")
    ) == {
        "comm1": False,
        "comm3": True,
    }


def test_submitting_twice_submits_once(invitation) -> None:
    services.answer_save(invitation=invitation, item_id="comm1", value="4")
    assert services.response_submit(invitation=invitation) is True
    first = Invitation.objects.get(pk=invitation.pk).submitted_at
    assert services.response_submit(invitation=invitation) is False
    assert Invitation.objects.get(pk=invitation.pk).submitted_at == first


def test_after_submitting_answers_cannot_change(invitation) -> None:
    services.answer_save(invitation=invitation, item_id="comm1", value="4")
    services.response_submit(invitation=invitation)
    with pytest.raises(services.AlreadySubmitted):
        services.answer_save(invitation=invitation, item_id="comm1", value="1")
    assert Answer.objects.get(invitation=invitation, item_id="comm1").value == 4


def test_a_closed_wave_rejects_late_answers_and_submissions(invitation) -> None:
    services.answer_save(invitation=invitation, item_id="comm1", value="4")
    services.wave_close(wave=invitation.wave)
    invitation.wave.refresh_from_db()
    with pytest.raises(services.WaveClosed):
        services.answer_save(invitation=invitation, item_id="comm2", value="4")
    with pytest.raises(services.WaveClosed):
        services.response_submit(invitation=invitation)
    assert Answer.objects.filter(invitation=invitation).count() == 1


def test_invitations_are_sent_once_each_with_the_persons_own_link(open_wave) -> None:
    result = services.invitations_send(wave=open_wave, base_url="https://tandem.trust.example/")
    assert result.sent == 24 and result.failed == []
    assert len(mail.outbox) == 24
    message = next(m for m in mail.outbox if m.to == ["amara.okafor@riverside-fells.example"])
    token = open_wave.invitations.get(
        participant__person__email="amara.okafor@riverside-fells.example"
    ).token
    assert f"https://tandem.trust.example/s/{token}/" in message.body
    assert "groups of at least 5 people" in message.body
    assert services.invitations_send(wave=open_wave).sent == 0


def test_reminders_skip_people_who_have_submitted(open_wave, invitation) -> None:
    services.response_submit(invitation=invitation)
    result = services.invitations_remind(wave=open_wave, base_url="https://t.example")
    assert result.sent == 23
    assert all(m.to != ["amara.okafor@riverside-fells.example"] for m in mail.outbox)
    assert open_wave.invitations.filter(reminders_sent=1).count() == 23


def test_reminders_are_refused_for_a_closed_wave(open_wave) -> None:
    services.wave_close(wave=open_wave)
    with pytest.raises(services.WaveClosed):
        services.invitations_remind(wave=open_wave)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def test_invitations_reach_a_real_smtp_server(open_wave, settings) -> None:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        result = services.invitations_send(wave=open_wave, base_url="https://tandem.trust.example")
    finally:
        controller.stop()
    assert result.sent == 24
    recipients = sorted(m["To"] for m in inbox.messages)
    assert len(recipients) == 24 and "amara.okafor@riverside-fells.example" in recipients
    body = (
        next(m for m in inbox.messages if m["To"] == "amara.okafor@riverside-fells.example")
        .get_payload(decode=True)
        .decode()
    )
    assert re.search(r"https://tandem\.trust\.example/s/[\w-]{40,}/", body)


def test_an_unreachable_smtp_server_is_reported_and_nothing_marked_sent(
    open_wave, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    result = services.invitations_send(wave=open_wave)
    assert result.sent == 0 and len(result.failed) == 24
    assert not open_wave.invitations.filter(sent_at__isnull=False).exists()


def test_an_open_wave_cannot_be_released(open_wave, demo) -> None:
    with pytest.raises(ValidationError, match="Close the wave before releasing"):
        services.wave_release(wave=open_wave, actor=None)
    assert open_wave.released_at is None


def test_a_closed_wave_is_released_once_and_can_be_withdrawn(open_wave) -> None:
    services.wave_close(wave=open_wave)
    first = services.wave_release(wave=open_wave, actor=None).released_at
    assert first is not None
    assert services.wave_release(wave=open_wave, actor=None).released_at == first
    assert services.wave_withdraw(wave=open_wave).released_at is None


def test_a_closed_wave_cannot_be_reopened_in_the_admin(demo) -> None:
    from ..conftest import client_for

    admin = client_for(demo.superuser_email)
    baseline = Wave.objects.get(programme=demo.programme, title="Baseline stock take")
    page = admin.get(f"/admin/surveys/wave/{baseline.pk}/change/").content.decode()
    assert 'name="closes_on"' not in page and 'name="closed_at"' not in page
    assert 'name="title"' in page
    pulse = Wave.objects.get(programme=demo.programme, title="Pair check-in")
    assert (
        'name="closes_on"' in admin.get(f"/admin/surveys/wave/{pulse.pk}/change/").content.decode()
    )
