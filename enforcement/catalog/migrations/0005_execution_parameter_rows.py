from django.db import migrations


def create_rows(apps, schema_editor):
    from enforcement.catalog.params import ensure_rows

    ensure_rows(apps.get_model("catalog", "LegalParameter"))


class Migration(migrations.Migration):
    """Rows for the parameters of the execution of penalties (the surcharge, court enforcement, seizures,
    appeals) and of orders to demolish, so administrators see and can override them."""

    dependencies = [
        ("catalog", "0004_case_parameter_rows"),
    ]

    operations = [
        migrations.RunPython(create_rows, migrations.RunPython.noop),
    ]
