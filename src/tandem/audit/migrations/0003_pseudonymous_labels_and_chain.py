"""Rewrite e-mail addresses out of `actor_label`, then seal the existing events into the chain.

Both must happen before 0004 installs the triggers that refuse any further change. Labels were
the actor's e-mail address; they become "user <id>" (the pages show the account's current name
through `actor`), so an erasure leaves no address in the audit log. The events are then numbered
in the order they were written (id) and hashed with the same canonical form as new events.

Runs after coaching's 0002, which copied its note-read log into this table with e-mail labels.
"""

from django.conf import settings
from django.db import migrations

BATCH = 500


def _label(event, users_by_email):
    if event.actor_id is not None:
        return f"user {event.actor_id}"
    if "@" in event.actor_label:
        user_id = users_by_email.get(event.actor_label.strip().lower())
        return f"user {user_id}" if user_id is not None else "a deleted account"
    return event.actor_label


def forwards(apps, schema_editor):
    from tandem.audit import chain  # the canonical form is frozen (chain.py), so importing it is safe

    AuditEvent = apps.get_model("audit", "AuditEvent")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    db = schema_editor.connection.alias
    users_by_email = {
        email.lower(): pk for pk, email in User.objects.using(db).values_list("pk", "email")
    }
    seq, prev_hash = 0, chain.GENESIS
    batch = []
    for event in AuditEvent.objects.using(db).order_by("id").iterator(chunk_size=BATCH):
        event.actor_label = _label(event, users_by_email)
        seq += 1
        event.seq = seq
        event.prev_hash = prev_hash
        event.hash = chain.link_hash(prev_hash, chain.content_of(event))
        prev_hash = event.hash
        batch.append(event)
        if len(batch) >= BATCH:
            AuditEvent.objects.using(db).bulk_update(
                batch, ["actor_label", "seq", "prev_hash", "hash"]
            )
            batch = []
    if batch:
        AuditEvent.objects.using(db).bulk_update(batch, ["actor_label", "seq", "prev_hash", "hash"])


def backwards(apps, schema_editor):
    # The old labels (e-mail addresses) are gone on purpose; the chain columns are dropped by
    # reversing 0002. Nothing to do.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_chain_fields"),
        ("coaching", "0002_note_reads_to_audit_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
