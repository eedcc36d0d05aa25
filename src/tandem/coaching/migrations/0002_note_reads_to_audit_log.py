"""Move the stop-gap coaching-note read log onto the project-wide audit log, then drop it."""

from django.db import migrations


def forwards(apps, schema_editor):
    CoachingNoteRead = apps.get_model("coaching", "CoachingNoteRead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    reads = CoachingNoteRead.objects.select_related("actor", "note__session__plan").order_by("id")
    for read in reads.iterator():
        note = read.note
        event = AuditEvent.objects.create(
            actor=read.actor,
            actor_label=read.actor.email if read.actor else "",
            action="coaching_note.read",
            subject_type="coaching.coachingnote",
            subject_id=str(read.note_id or ""),
            programme_id=note.session.plan.programme_id if note else None,
            request_id=read.request_id,
            extra=(
                {"author": note.author, "session_id": note.session_id, "migrated": True}
                if note
                else {"migrated": True}
            ),
        )
        # `at` is auto_now_add: keep the time of the original read. (The historical model's
        # queryset is Django's plain one, so this one-off correction is possible here only.)
        AuditEvent.objects.filter(pk=event.pk).update(at=read.at)


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="CoachingNoteRead"),
    ]
