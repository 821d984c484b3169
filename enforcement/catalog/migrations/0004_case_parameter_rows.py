from django.db import migrations


def create_rows(apps, schema_editor):
    from enforcement.catalog.params import ensure_rows

    ensure_rows(apps.get_model("catalog", "LegalParameter"))


class Migration(migrations.Migration):
    """Rows for the parameters the cases added: the filing decision on a lead (15 days) and the longest
    extension of the decision period (30 days)."""

    dependencies = [
        ("catalog", "0003_legal_parameter_rows"),
    ]

    operations = [
        migrations.RunPython(create_rows, migrations.RunPython.noop),
    ]
