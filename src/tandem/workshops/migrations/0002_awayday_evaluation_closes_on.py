"""Away days get a feedback window; existing ones close two weeks after their date."""

import datetime as dt

from django.db import migrations, models


def fill_window(apps, schema_editor):
    AwayDay = apps.get_model("workshops", "AwayDay")
    days = list(AwayDay.objects.all())
    for day in days:
        day.evaluation_closes_on = day.date + dt.timedelta(days=14)
    AwayDay.objects.bulk_update(days, ["evaluation_closes_on"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="awayday",
            name="evaluation_closes_on",
            field=models.DateField(null=True, verbose_name="feedback closes on"),
        ),
        migrations.RunPython(fill_window, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="awayday",
            name="evaluation_closes_on",
            field=models.DateField(
                help_text="The last day people can give feedback on the day.",
                verbose_name="feedback closes on",
            ),
        ),
    ]
