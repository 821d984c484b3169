from django.db import migrations


def create_rows(apps, schema_editor):
    from enforcement.catalog.params import ensure_rows

    ensure_rows(apps.get_model("catalog", "LegalParameter"))


class Migration(migrations.Migration):
    """One LegalParameter row per statutory default in `enforcement.catalog.params.DEFAULTS`, so
    administrators see and adjust them. Existing rows are left as they are."""

    dependencies = [
        ("catalog", "0002_alter_legalparameter_unit_alter_legalparameter_value_and_more"),
    ]

    operations = [
        migrations.RunPython(create_rows, migrations.RunPython.noop),
    ]
