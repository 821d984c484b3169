from django.db import migrations, models


def _rename(apps, old, new):
    DeadlinePolicy = apps.get_model("complaints", "DeadlinePolicy")
    for field in ("unit", "visit_unit"):
        DeadlinePolicy.objects.filter(**{field: old}).update(**{field: new})


def to_period_units(apps, schema_editor):
    _rename(apps, "calendar_days", "days")


def to_deadline_units(apps, schema_editor):
    _rename(apps, "days", "calendar_days")


UNITS = [
    ("working_days", "working days"), ("days", "days"), ("working_hours", "working hours"),
    ("months", "months"), ("years", "years"),
]


class Migration(migrations.Migration):
    """Deadline policies count in the platform's period units (enforcement.workdays.periods.PeriodUnit):
    "calendar_days" is now "days", and months and years are offered too."""

    dependencies = [
        ("complaints", "0008_complaint_updated_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="deadlinepolicy",
            name="unit",
            field=models.CharField(
                choices=UNITS, default="working_days", max_length=16, verbose_name="unit of the periods"
            ),
        ),
        migrations.AlterField(
            model_name="deadlinepolicy",
            name="visit_unit",
            field=models.CharField(
                choices=UNITS, default="working_days", max_length=16, verbose_name="unit of the visit period"
            ),
        ),
        migrations.RunPython(to_period_units, to_deadline_units),
    ]
