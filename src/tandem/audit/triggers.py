"""Database triggers that refuse any UPDATE or DELETE of an audit event (and, on PostgreSQL,
a TRUNCATE of the table), whatever the route: the ORM, a queryset that is not the model's own,
`_raw_delete`, or SQL typed into a database shell.

The model's own queryset refuses too (`AppendOnlyError`), but only code that goes through it;
the triggers are what "append-only" means for everyone else. A refused change raises
`IntegrityError` on both databases (SQLite: RAISE(ABORT); PostgreSQL: SQLSTATE 23001).

Installed by migration `audit.0004_append_only`, and again after every `migrate` (a later
migration that rebuilds the table on SQLite, e.g. to alter a column, drops its triggers).
`flush` (audit/management/commands/flush.py) lifts them to empty the whole database and puts
them back.
"""

from __future__ import annotations

from typing import Any

TABLE = "audit_auditevent"
MIGRATION = ("audit", "0004_append_only")

_SQLITE_NAMES = ("audit_auditevent_no_update", "audit_auditevent_no_delete")
_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: an audit event cannot be changed.');
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: an audit event cannot be deleted.');
    END""",
]
_SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_NAMES]

_PG_NAMES = ("audit_auditevent_append_only", "audit_auditevent_no_truncate")
_PG_INSTALL = [
    """CREATE OR REPLACE FUNCTION audit_auditevent_refuse() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'The audit log is append-only: % is refused.', TG_OP
            USING ERRCODE = 'restrict_violation';
    END
    $$""",
    f"DROP TRIGGER IF EXISTS audit_auditevent_append_only ON {TABLE}",
    f"""CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse()""",
    f"DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_refuse()""",
    # ALWAYS: ordinary triggers do not fire when a session sets session_replication_role to
    # "replica" (which a database superuser can do to load data); these must fire then too.
    f"ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER audit_auditevent_append_only",
    f"ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER audit_auditevent_no_truncate",
]
_PG_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_auditevent_append_only ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse()",
]


def _statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    if vendor == "postgresql":
        return _PG_INSTALL if install else _PG_REMOVE
    raise NotImplementedError(
        f"Tandem's audit log has append-only triggers for SQLite and PostgreSQL, not {vendor}."
    )


def install(connection: Any) -> None:
    """Create (or re-create) the triggers; safe to run again."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=True):
            cursor.execute(sql)


def remove(connection: Any) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=False):
            cursor.execute(sql)


def state(connection: Any) -> str:
    """ "installed", "missing" or (PostgreSQL) "disabled": what `tandem audit verify` reports."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            found = {row[0]: "A" for row in cursor.fetchall()}
            names: tuple[str, ...] = _SQLITE_NAMES
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgenabled FROM pg_trigger"
                " WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal",
                [TABLE],
            )
            found = {name: enabled for name, enabled in cursor.fetchall()}
            names = _PG_NAMES
        else:
            return "missing"
    if not all(name in found for name in names):
        return "missing"
    # pg_trigger.tgenabled: D = disabled; O, R, A = fires (A = always, as installed).
    if any(found[name] == "D" for name in names):
        return "disabled"
    return "installed"


def reinstall_after_migrate(*, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: put the triggers back if a migration rebuilt the table without them."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if connection.vendor not in {"sqlite", "postgresql"}:
        return
    recorder = MigrationRecorder(connection)
    if not recorder.has_table() or MIGRATION not in recorder.applied_migrations():
        return
    if state(connection) != "installed":
        install(connection)
