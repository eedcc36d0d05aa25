"""Django's `flush` (empty every table), able to empty the audit log too.

The audit log's triggers refuse every DELETE (SQLite's flush) and TRUNCATE (PostgreSQL's), so
this lifts them for the flush and puts them back after it, whatever happens. Emptying the whole
database is an operator's act, like dropping it; selective changes to the log stay refused.
Test runs use it after every transactional (browser) test.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from tandem.audit import triggers


class Command(DjangoFlush):
    help = DjangoFlush.help + " The audit log's append-only triggers are lifted for it."

    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        lifted = connection.vendor in {"sqlite", "postgresql"} and (
            triggers.state(connection) != "missing"
        )
        if lifted:
            triggers.remove(connection)
        try:
            super().handle(**options)
        finally:
            if lifted:
                triggers.install(connection)
