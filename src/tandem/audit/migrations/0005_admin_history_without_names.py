"""Take names and e-mail addresses out of the admin's own history (`django_admin_log`).

Django's admin quoted each record it logged by its `__str__` (a person's name, an account's
e-mail address), where an erasure cannot reach. From now on the admin names records by kind and
number (tandem/admin_site.py); this does the same to what it logged before: "person 12", and the
inline rows of change messages by "?", their numbers being unknown.
"""

import json

from django.db import migrations

BATCH = 500


def _message(text):
    if not text or not text.startswith("["):
        return text
    try:
        message = json.loads(text)
    except json.JSONDecodeError:
        return ""
    for entry in message:
        for detail in entry.values() if isinstance(entry, dict) else []:
            if isinstance(detail, dict) and "object" in detail:
                detail["object"] = "?"
    return json.dumps(message)


def forwards(apps, schema_editor):
    LogEntry = apps.get_model("admin", "LogEntry")
    db = schema_editor.connection.alias
    batch = []
    entries = LogEntry.objects.using(db).select_related("content_type").order_by("id")
    for entry in entries.iterator(chunk_size=BATCH):
        kind = entry.content_type.model if entry.content_type_id else "record"
        entry.object_repr = f"{kind} {entry.object_id}"[:200]
        entry.change_message = _message(entry.change_message)
        batch.append(entry)
        if len(batch) >= BATCH:
            LogEntry.objects.using(db).bulk_update(batch, ["object_repr", "change_message"])
            batch = []
    if batch:
        LogEntry.objects.using(db).bulk_update(batch, ["object_repr", "change_message"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_append_only"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
