from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="orgunit",
            name="level",
            field=models.CharField(
                choices=[
                    ("city", "City bureau"), ("district", "District bureau"), ("brigade", "Brigade"),
                    ("squadron", "Squadron"), ("external", "External responsible unit"),
                ],
                max_length=16, verbose_name="level",
            ),
        ),
        migrations.AlterField(
            model_name="userrole",
            name="role",
            field=models.CharField(
                choices=[
                    ("officer", "Officer"), ("squad_leader", "Squad leader"), ("legal_reviewer", "Legal reviewer"),
                    ("bureau_head", "Bureau head"), ("intake", "Intake desk"), ("statistician", "Statistician"),
                    ("admin", "Administrator"), ("liaison", "Liaison (external unit)"),
                ],
                max_length=32, verbose_name="role",
            ),
        ),
    ]
