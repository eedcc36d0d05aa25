"""Every event is numbered now: `seq` becomes unique and required; then the triggers that refuse
UPDATE, DELETE (and, on PostgreSQL, TRUNCATE) of an audit event go in (tandem/audit/triggers.py:
one set of SQL per database, chosen by `connection.vendor`, each with its reverse)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from tandem.audit import triggers

    triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    from tandem.audit import triggers

    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_pseudonymous_labels_and_chain")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True),
        ),
        # After the AlterField: on SQLite it rebuilds the table, which would drop the triggers.
        migrations.RunPython(install, remove),
    ]
