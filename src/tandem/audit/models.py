"""The append-only audit log.

One `AuditEvent` per write to, or read of, something confidential (a coaching note, an
ego-network, a person's type) and per export or report download. Events are written in the same
transaction as what they record (docs/style.md), so an action and its record stand or fall together.
They never hold confidential content: the subject is named by type and id, and `extra` carries
only ids, counts and labels. Nor do they hold the actor's e-mail address or name: `actor_label` is
"user 12" (or the command line's label), and the pages show the account's *current* name through
`actor`, so an erasure, which pseudonymises the account, needs no audit event changed.

Append-only three times over: this model's queryset refuses updates and deletes, database
triggers refuse them from any other route (`triggers.py`), and each event is sealed into a hash
chain when it is written (`chain.py`), so a change made with the triggers dropped is found by
`tandem audit verify`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, models, router, transaction
from django.utils import timezone

from tandem.audit import chain

# pg_advisory_xact_lock key for extending the chain ("tandem" in ASCII).
CHAIN_LOCK = 0x74616E64656D


class AppendOnlyError(RuntimeError):
    """An audit event cannot be changed or deleted once written."""


def _seal(events: Sequence[AuditEvent], *, using: str) -> None:
    """Number the events after the chain's last one and hash each into the chain.

    Call inside the transaction that inserts them. On PostgreSQL a transaction-scoped advisory
    lock makes writers extend the chain one at a time (held until commit, so the next writer
    reads this one's last event); on SQLite every Tandem transaction already begins IMMEDIATE,
    holding the one write lock. Should either ever fail, the unique `seq` refuses the second of
    two events that extend the same link, rather than letting the chain fork.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    last = AuditEvent.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = last if last is not None else (0, chain.GENESIS)
    for event in events:
        seq += 1
        event.seq = seq
        event.prev_hash = prev_hash
        event.hash = chain.link_hash(prev_hash, chain.content_of(event))
        prev_hash = event.hash


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events are append-only: they cannot be updated.")

    def _update(self, values: Any) -> Any:
        raise AppendOnlyError("Audit events are append-only: they cannot be updated.")

    def bulk_update(self, objs: Iterable[AuditEvent], fields: Any, batch_size: Any = None) -> int:
        raise AppendOnlyError("Audit events are append-only: they cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")

    def _raw_delete(self, using: Any) -> int:
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")

    def bulk_create(
        self,
        objs: Iterable[AuditEvent],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Any = None,
        unique_fields: Any = None,
    ) -> list[AuditEvent]:
        if ignore_conflicts or update_conflicts:
            # An "upsert" would overwrite an event; a silently skipped one would leave a gap.
            raise AppendOnlyError("Audit events are append-only: inserts only, no upserts.")
        events = list(objs)
        if not events:
            return events
        with transaction.atomic(using=self.db, savepoint=False):
            _seal(events, using=self.db)
            return super().bulk_create(events, batch_size=batch_size)


class AuditEvent(models.Model):
    """Who did what to which record, when, in which request."""

    # Not auto_now_add: the time is part of what the chain seals, so it is set before sealing.
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    # The two references below are plain ids as far as the database knows (no constraint, and
    # nothing done on delete): deleting an account or a programme must not rewrite its events,
    # and SET_NULL would be an UPDATE, which the triggers refuse. A reference to something
    # deleted reads as None (select_related) and the label still says who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # Stable and pseudonymous: "user 12", or the command line's `acting_as` label. Never an
    # e-mail address or a name, which an erasure must be able to remove without rewriting events.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    subject_type = models.CharField(max_length=80, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    request_id = models.CharField(max_length=100, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    # The hash chain (chain.py): position, the previous event's hash, and this event's.
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [models.Index(fields=["programme", "-at"])]
        # Django's own machinery (refresh_from_db, related deletes) uses the refusing queryset
        # too, not a plain one.
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit events are append-only: they cannot be updated.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            _seal([self], using=using)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")

    @property
    def actor_name(self) -> str:
        """Who acted, by the account's current name (an erased person's is their pseudonym).

        Load with `select_related("actor")`; a deleted account falls back to the label.
        """
        try:
            actor = self.actor
        except ObjectDoesNotExist:
            actor = None
        if actor is None:
            return self.actor_label or "system"
        return str(getattr(actor, "full_name", "") or getattr(actor, "email", "") or actor.pk)
