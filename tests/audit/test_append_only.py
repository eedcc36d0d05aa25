"""The audit log is append-only in the database, not only through its model's queryset, and its
hash chain shows any change made with the triggers out of the way."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, models, transaction

from tandem import cli
from tandem.audit import triggers
from tandem.audit.models import AppendOnlyError, AuditEvent
from tandem.audit.selectors import audit_chain_verify
from tandem.audit.services import audit_record, audit_record_many
from tandem.audit.triggers import reinstall_after_migrate
from tandem.programmes import services as programme_services

pytestmark = pytest.mark.django_db
ON_POSTGRESQL = connection.vendor == "postgresql"
TABLE = AuditEvent._meta.db_table


def _plain(event: AuditEvent) -> models.QuerySet[AuditEvent]:
    """A queryset that is not the model's own: Django's plain one, as other code might use."""
    return models.QuerySet(model=AuditEvent).filter(pk=event.pk)


def _upsert(queryset: Any, event: AuditEvent) -> None:
    forged = AuditEvent(
        pk=event.pk,
        seq=event.seq + 10**9,  # conflicts on the id only
        at=event.at,
        action="nothing.happened",
        prev_hash=event.prev_hash,
        hash=event.hash,
    )
    queryset.bulk_create(
        [forged], update_conflicts=True, unique_fields=["id"], update_fields=["action"]
    )


def _sql(statement: str) -> Callable[[AuditEvent], Any]:
    def run(event: AuditEvent) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=TABLE), [event.pk])

    return run


# Routes through the model's own manager: refused before they reach the database.
THROUGH_THE_MODEL = {
    "save after a change": lambda e: (setattr(e, "action", "x"), e.save()),
    "delete()": lambda e: e.delete(),
    "queryset update": lambda e: AuditEvent.objects.filter(pk=e.pk).update(action="x"),
    "queryset delete": lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
    "_base_manager.update": lambda e: AuditEvent._base_manager.filter(pk=e.pk).update(action="x"),
    "bulk_update": lambda e: AuditEvent.objects.bulk_update([e], ["action"]),
    "bulk_create(update_conflicts=True)": lambda e: _upsert(AuditEvent.objects, e),
    "_raw_delete": lambda e: AuditEvent.objects.filter(pk=e.pk)._raw_delete("default"),
}

# Routes that never meet the model's queryset: the database's triggers refuse them.
AROUND_THE_MODEL = {
    "plain QuerySet.update": lambda e: _plain(e).update(action="x"),
    "plain QuerySet.delete": lambda e: _plain(e).delete(),
    "plain bulk_create(update_conflicts=True)": lambda e: _upsert(
        models.QuerySet(model=AuditEvent), e
    ),
    "plain _raw_delete": lambda e: _plain(e)._raw_delete("default"),
    "raw SQL UPDATE": _sql("UPDATE {table} SET action = 'x' WHERE id = %s"),
    "raw SQL UPDATE of the chain": _sql("UPDATE {table} SET hash = prev_hash WHERE id = %s"),
    "raw SQL DELETE": _sql("DELETE FROM {table} WHERE id = %s"),
}


@pytest.fixture
def event(demo: Any) -> AuditEvent:
    return audit_record(
        action="test.event", programme=demo.programme, extra={"count": 3, "share": 0.5}
    )


@pytest.mark.parametrize("attempt", THROUGH_THE_MODEL.values(), ids=THROUGH_THE_MODEL.keys())
def test_the_models_own_routes_refuse_to_change_an_event(
    event: AuditEvent, attempt: Callable[[AuditEvent], Any]
) -> None:
    with pytest.raises(AppendOnlyError), transaction.atomic():
        attempt(event)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.hash) == ("test.event", event.hash)


@pytest.mark.parametrize("attempt", AROUND_THE_MODEL.values(), ids=AROUND_THE_MODEL.keys())
def test_the_database_refuses_every_other_route_to_change_an_event(
    event: AuditEvent, attempt: Callable[[AuditEvent], Any]
) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        attempt(event)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.hash) == ("test.event", event.hash)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_to_truncate_the_audit_log(event: AuditEvent) -> None:
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_new_events_extend_an_intact_chain(demo: Any) -> None:
    before = audit_chain_verify()
    first = audit_record(action="test.one", programme=demo.programme, extra={"kpi": 1e16})
    audit_record_many(action="test.many", subjects=[demo.programme, demo.programme])
    after = audit_chain_verify()
    assert before.intact and after.intact
    assert first.seq == before.head_seq + 1
    assert first.prev_hash == before.head_hash
    assert after.events == before.events + 3
    assert after.head_seq == before.head_seq + 3


def _tamper_content(event: AuditEvent) -> None:
    _sql("UPDATE {table} SET subject_id = 'someone-else' WHERE id = %s")(event)


def _tamper_and_reseal(event: AuditEvent) -> None:
    # A careful forger recomputes the changed event's own hash; the next event's link breaks.
    from tandem.audit import chain

    event.subject_id = "someone-else"
    resealed = chain.link_hash(event.prev_hash, chain.content_of(event))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET subject_id = %s, hash = %s WHERE id = %s",
            ["someone-else", resealed, event.pk],
        )


def _delete(event: AuditEvent) -> None:
    _sql("DELETE FROM {table} WHERE id = %s")(event)


# (tamper, which event the verifier finds broken, the last event still intact, its words)
TAMPERS = {
    "content changed": (_tamper_content, 1, 0, "content was changed"),
    "content changed and its hash recomputed": (_tamper_and_reseal, 2, 1, "link to the event"),
    "event deleted": (_delete, 2, 0, "missing (deleted)"),
}


@pytest.mark.parametrize(
    ("tamper", "broken", "intact", "problem"), TAMPERS.values(), ids=TAMPERS.keys()
)
def test_a_tamper_made_with_the_triggers_dropped_is_found_by_the_verifier(
    demo: Any,
    capsys: Any,
    tamper: Callable[[AuditEvent], None],
    broken: int,
    intact: int,
    problem: str,
) -> None:
    events = [audit_record(action=f"test.{n}", programme=demo.programme) for n in range(3)]
    assert cli.main(["audit", "verify"]) == 0
    triggers.remove(connection)  # what someone with the database's password could do
    tamper(events[1])
    report = audit_chain_verify()
    assert report.broken is not None
    assert report.broken.seq == events[broken].seq
    assert problem in report.broken.problem
    assert report.head_seq == events[intact].seq
    assert report.triggers == "missing"
    capsys.readouterr()
    assert cli.main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"broken at event {report.broken.seq}" in out
    assert "triggers are missing" in out


def test_migrate_puts_back_triggers_that_went_missing(db: None) -> None:
    triggers.remove(connection)
    assert triggers.state(connection) == "missing"
    reinstall_after_migrate(using="default")
    assert triggers.state(connection) == "installed"


def test_flush_empties_the_log_and_leaves_the_triggers_in_place(event: AuditEvent) -> None:
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert not AuditEvent.objects.exists()
    assert triggers.state(connection) == "installed"
    first = audit_record(action="test.after_flush")
    assert first.seq == 1
    assert audit_chain_verify().intact


def test_deleting_a_programme_or_an_account_rewrites_none_of_their_events(demo: Any) -> None:
    from tests.factories import UserFactory

    programme = programme_services.programme_create(
        organisation=demo.programme.organisation,
        name="Short-lived",
        slug="short-lived",
        start_date=demo.programme.start_date,
        end_date=demo.programme.end_date,
    )
    user = UserFactory()
    event = audit_record(action="test.event", actor=user, programme=programme)
    programme_id, user_id = programme.pk, user.pk
    programme.delete()
    user.delete()
    stored = AuditEvent.objects.select_related("actor", "programme").get(pk=event.pk)
    assert (stored.programme_id, stored.actor_id) == (programme_id, user_id)
    assert stored.programme is None and stored.actor is None
    assert stored.actor_name == f"user {user_id}"
    assert audit_chain_verify().intact


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite has one writer at a time by design")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_chain() -> None:
    writers, each = 4, 15
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                with transaction.atomic():
                    audit_record(action="test.concurrent", extra={"writer": n, "i": i})
        except BaseException as exc:  # reported below; a thread's exception is otherwise lost
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert audit_chain_verify().intact
    assert AuditEvent.objects.filter(action="test.concurrent").count() == writers * each
