"""Pre-fills the calendar with every year the installed `chinesecalendar` package covers."""

from django.db import migrations
from django.utils import timezone

from enforcement.workdays.package import package_days, package_note, package_years


def load(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    now = timezone.now()
    taken = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=d, kind=kind, name=name, source="package", updated_at=now)
            for d, kind, name in package_days()
            if d not in taken
        ],
        batch_size=500,
    )
    covered = set(CalendarYear.objects.values_list("year", flat=True))
    CalendarYear.objects.bulk_create(
        [
            CalendarYear(year=y, source="package", note=package_note(), updated_at=now)
            for y in package_years()
            if y not in covered
        ]
    )


def unload(apps, schema_editor):
    apps.get_model("workdays", "CalendarDay").objects.filter(source="package").delete()
    apps.get_model("workdays", "CalendarYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
