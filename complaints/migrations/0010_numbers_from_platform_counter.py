from django.db import migrations

SCOPE = "complaint"  # complaints.models.NUMBER_SCOPE


def to_platform_counters(apps, schema_editor):
    """Each day's last serial becomes the "complaint" counter of that day, so numbering goes on from it."""
    Sequence = apps.get_model("complaints", "ComplaintNumberSequence")
    Counter = apps.get_model("documents", "NumberCounter")
    Counter.objects.bulk_create(
        [Counter(scope=SCOPE, period=row.day.isoformat(), last=row.last) for row in Sequence.objects.iterator()],
        batch_size=1000,
    )


def to_day_sequences(apps, schema_editor):
    Sequence = apps.get_model("complaints", "ComplaintNumberSequence")
    Counter = apps.get_model("documents", "NumberCounter")
    counters = Counter.objects.filter(scope=SCOPE, unit__isnull=True)
    Sequence.objects.bulk_create(
        [Sequence(day=row.period, last=row.last) for row in counters.iterator()], batch_size=1000
    )
    counters.delete()


class Migration(migrations.Migration):
    """Complaint numbers come from the platform's gapless counter (enforcement.documents.numbering): the
    per-day sequences move there, and their table goes."""

    dependencies = [
        ("complaints", "0009_period_units"),
        ("documents", "0001_number_counter"),
    ]

    operations = [
        migrations.RunPython(to_platform_counters, to_day_sequences),
        migrations.DeleteModel(name="ComplaintNumberSequence"),
    ]
