"""The audit log's hash chain: each event seals the one before it, so a changed, removed or
inserted event breaks every link after it.

An event's `hash` is SHA-256 of the previous event's hash followed by the event's own canonical
content; `seq` numbers the events 1, 2, 3… in chain order (unique in the database, so two writers
can never both extend the same event). The canonical form is frozen: the migration that sealed
the events written before the chain existed uses it too, and changing it would make every
existing chain look tampered with.

The chain makes tampering *detectable* by `tandem audit verify`; the database triggers
(`tandem.audit.triggers`) make it *refused*. Someone who can drop the triggers can also rewrite
the whole chain from the tampered event onwards, so an operator who wants to prove that cannot
have happened keeps the head (`seq` and `hash`, printed by `tandem audit verify`) somewhere the
database's owners cannot write, e.g. with the backups.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first event


def _normalised(value: Any) -> Any:
    # PostgreSQL's jsonb gives back 1e16 as 10000000000000000 and keeps 1.0 as 1.0; writing every
    # whole float as an int makes the content read back from either database hash the same.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _normalised(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalised(v) for v in value]
    return value


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_content(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    subject_type: str,
    subject_id: str,
    programme_id: int | None,
    request_id: str,
    extra: Any,
) -> str:
    """The event as one canonical JSON text: every stored column but the chain's own."""
    return json.dumps(
        [
            seq,
            _instant(at),
            actor_id,
            actor_label,
            action,
            subject_type,
            subject_id,
            programme_id,
            request_id,
            _normalised(extra),
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def link_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def content_of(event: Any) -> str:
    """`event_content` of an `AuditEvent` (or a historical model's instance, in a migration)."""
    return event_content(
        seq=event.seq,
        at=event.at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        programme_id=event.programme_id,
        request_id=event.request_id,
        extra=event.extra,
    )
