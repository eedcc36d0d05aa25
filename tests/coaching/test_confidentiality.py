"""The promise: a coaching note's text reaches nobody but that coach and that coachee.

Every page, download and form of the coaching app (and the admin and the programme pages, where a
superuser or lead might look) is requested by every kind of viewer; the note texts must appear
exactly on the two pages meant for the two of them. The database holds only ciphertext.
"""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.coaching import services
from tandem.coaching.models import Attendance, CoachingNote, CoachingSession

from .conftest import ACTIONS, COACH_NOTE, COACHEE_NOTE, PRIVATE_THEME, Urls

NOTES = {"coach's note": COACH_NOTE, "coachee's note": COACHEE_NOTE}
BOTH = {"coach's note", "coachee's note"}

VIEWERS = {
    "lead": "lead_client",
    "sponsor": "sponsor_client",
    "other coach": "other_coach_client",
    "other participant": "partner_client",
    "superuser": "superuser_client",
    "outsider": "outsider_client",
    "anonymous": "client",
    "the coach": "coach_client",
    "the coachee": "coachee_client",
}

# Where each of the two may read notes: both on the session page, their own in the note form.
EXPECTED_SIGHTINGS = {
    ("the coach", "get", "held session"): BOTH,
    ("the coachee", "get", "held session"): BOTH,
    ("the coach", "get", "note form"): {"coach's note"},
    ("the coachee", "get", "note form"): {"coachee's note"},
}


def every_url(demo, urls: Urls, participant_id: int, concern_id: int) -> dict[str, tuple[str, str]]:
    """Every URL of the coaching app (with the methods it answers), plus where else a note could leak."""
    held, booked, plan = urls.held, urls.booked, urls.plan
    return {
        "home": ("get", urls.base),
        "overview": ("get", f"{urls.base}overview/"),
        "settings": ("get", f"{urls.base}settings/"),
        "settings post": ("post", f"{urls.base}settings/"),
        "dose export": ("get", f"{urls.base}dose.csv"),
        "coachees": ("get", f"{urls.base}coachees/"),
        "assign coach": ("get", f"{urls.base}plans/new/"),
        "assign coach post": ("post", f"{urls.base}plans/new/"),
        "plan": ("get", plan),
        "schedule": ("get", f"{plan}schedule/"),
        "review": ("get", f"{plan}review/"),
        "review post": ("post", f"{plan}review/"),
        "goal form": ("get", f"{plan}goals/new/"),
        "goal post": ("post", f"{plan}goals/new/"),
        "concern form": ("get", f"{plan}concerns/new/"),
        "concern post": ("post", f"{plan}concerns/new/"),
        "book session": ("get", f"{plan}sessions/new/"),
        "book session post": ("post", f"{plan}sessions/new/"),
        "held session": ("get", held),
        "booked session": ("get", booked),
        "change session": ("get", f"{booked}edit/"),
        "change session post": ("post", f"{booked}edit/"),
        "record session": ("get", f"{held}record/"),
        "record session post": ("post", f"{held}record/"),
        "note form": ("get", f"{held}note/"),
        "note post": ("post", f"{held}note/"),
        "rate form": ("get", f"{held}rate/"),
        "rate post": ("post", f"{held}rate/"),
        "calendar file": ("get", f"{held}invitation.ics"),
        "send invitation": ("post", f"{booked}send/"),
        "reminders": ("post", f"{urls.base}reminders/"),
        # Last among the writes: it would resolve the concern shown on other pages.
        "resolve concern": ("post", f"{plan}concerns/{concern_id}/resolve/"),
        "theme privacy": ("post", f"{held}privacy/"),
        "programme overview": ("get", f"/programmes/{demo.programme.slug}/"),
        "person page": ("get", f"/programmes/{demo.programme.slug}/people/{participant_id}/"),
        "admin index": ("get", "/admin/"),
        "admin plans": ("get", "/admin/coaching/coachingplan/"),
        "admin plan": (
            "get",
            f"/admin/coaching/coachingplan/{urls.plan.rstrip('/').split('/')[-1]}/change/",
        ),
        "admin sessions": ("get", "/admin/coaching/coachingsession/"),
        "admin session": (
            "get",
            f"/admin/coaching/coachingsession/{held.rstrip('/').split('/')[-1]}/change/",
        ),
        "admin note reads": ("get", "/admin/coaching/coachingnoteread/"),
        "admin notes": ("get", "/admin/coaching/coachingnote/"),
    }


def sightings(response) -> set[str]:
    body = response.content.decode("utf-8", errors="replace")
    return {label for label, text in NOTES.items() if text in body}


@pytest.fixture
def clients(request) -> dict[str, Client]:
    return {who: request.getfixturevalue(name) for who, name in VIEWERS.items()}


def test_note_text_appears_only_for_that_coach_and_that_coachee_on_every_page(
    demo, clients, urls, coachee, concern
) -> None:
    targets = every_url(demo, urls, coachee.pk, concern.pk)
    seen = {
        (who, method, name): sightings(getattr(client, method)(url))
        for who, client in clients.items()
        for name, (method, url) in targets.items()
    }
    expected = {key: EXPECTED_SIGHTINGS.get(key, set()) for key in seen}
    assert seen == expected


# Who gets a page (200) rather than a refusal (403), "not found" (404) or the log-in page (302).
WHO_MAY_OPEN = {
    "overview": {"lead", "sponsor", "superuser"},
    "settings": {"lead", "superuser"},
    "dose export": {"lead", "sponsor", "superuser"},
    "coachees": {"the coach", "other coach"},
    "assign coach": {"lead", "superuser"},
    "plan": {"the coach", "the coachee"},
    "schedule": {"lead", "superuser", "the coach", "the coachee"},
    "review": {"sponsor"},
    "goal form": {"the coach", "the coachee"},
    "concern form": {"the coach"},
    "book session": {"the coach"},
    "held session": {"the coach", "the coachee"},
    "booked session": {"the coach", "the coachee"},
    "change session": {"the coach"},
    "record session": {"the coach"},
    "note form": {"the coach", "the coachee"},
    "rate form": {"the coach", "the coachee"},
    "calendar file": {"lead", "superuser", "the coach", "the coachee"},
}


def test_who_may_open_each_coaching_page(demo, clients, urls, coachee, concern) -> None:
    targets = every_url(demo, urls, coachee.pk, concern.pk)
    opened = {
        name: {
            who
            for who, client in clients.items()
            if client.get(targets[name][1]).status_code == 200
        }
        for name in WHO_MAY_OPEN
    }
    assert opened == WHO_MAY_OPEN


def test_no_e_mail_the_app_sends_carries_a_note(
    coach_client, lead_client, urls, held, booked
) -> None:
    coach_client.post(f"{urls.booked}send/")
    # Then the booked session is called off and the plan stalls: the lead's reminder goes out.
    services.session_log(session=booked, attendance=Attendance.CANCELLED)
    CoachingSession.objects.filter(pk=held.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=60)
    )
    lead_client.post(f"{urls.base}reminders/")
    texts = [
        message.body + "".join(str(a[1]) for a in message.attachments) for message in mail.outbox
    ]
    assert len(texts) == 2
    assert [t for t in texts if COACH_NOTE in t or COACHEE_NOTE in t or ACTIONS in t] == []


def test_the_database_holds_only_ciphertext_that_the_configured_key_opens(held) -> None:
    note = CoachingNote.objects.get(session=held, author="coach")
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext FROM coaching_coachingnote WHERE id = %s", [note.pk])
        (raw,) = cursor.fetchone()
    fernet = MultiFernet([Fernet(key) for key in settings.TANDEM_NOTES_KEYS])
    assert COACH_NOTE not in raw
    assert fernet.decrypt(raw.encode()).decode() == COACH_NOTE


def test_a_dump_of_every_table_shows_no_note_text(held) -> None:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from introspection
            found.extend(
                table
                for row in cursor.fetchall()
                if COACH_NOTE in repr(row) or COACHEE_NOTE in repr(row)
            )
    assert found == []


def test_dumpdata_exports_ciphertext_not_notes(held, capsys) -> None:
    call_command("dumpdata", "coaching", "--indent", "0")
    out = capsys.readouterr().out
    assert "coaching.coachingnote" in out
    assert COACH_NOTE not in out and COACHEE_NOTE not in out


def test_each_reading_of_the_notes_is_audited_with_who_read_them(
    coach_client, coach, urls, held
) -> None:
    coach_client.get(urls.held, HTTP_X_REQUEST_ID="req-123")
    note_ids = [
        str(pk) for pk in CoachingNote.objects.filter(session=held).values_list("pk", flat=True)
    ]
    reads = list(AuditEvent.objects.filter(action="coaching_note.read", subject_id__in=note_ids))
    assert {(r.actor_id, r.extra["author"], r.request_id) for r in reads} == {
        (coach.person.user_id, "coach", "req-123"),
        (coach.person.user_id, "coachee", "req-123"),
    }


def test_a_refused_reader_leaves_no_audit_row_and_reads_nothing(
    lead_client, sponsor_client, superuser_client, urls, held
) -> None:
    statuses = [
        c.get(urls.held).status_code for c in (lead_client, sponsor_client, superuser_client)
    ]
    assert statuses == [403, 403, 403]
    assert not AuditEvent.objects.filter(action="coaching_note.read").exists()


def test_the_private_theme_and_actions_are_not_shown_to_lead_or_sponsor(
    lead_client, sponsor_client, urls, held
) -> None:
    pages = [
        lead_client.get(f"{urls.plan}schedule/"),
        lead_client.get(f"{urls.base}overview/"),
        sponsor_client.get(f"{urls.plan}review/"),
        sponsor_client.get(f"{urls.base}overview/"),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    leaks = [
        p.request["PATH_INFO"]
        for p in pages
        if PRIVATE_THEME in p.content.decode() or ACTIONS in p.content.decode()
    ]
    assert leaks == []
