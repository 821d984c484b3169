# The attachment record moved onto enforcement/files' Attachment base: evidence gets its capture time and
# place, and video is a kind. Existing rows keep their values (the new fields are empty).

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0010_numbers_from_platform_counter'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaintattachment',
            name='captured_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='taken at'),
        ),
        migrations.AddField(
            model_name='complaintattachment',
            name='lat',
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, validators=[django.core.validators.MinValueValidator(Decimal('-90')), django.core.validators.MaxValueValidator(Decimal('90'))], verbose_name='latitude'),
        ),
        migrations.AddField(
            model_name='complaintattachment',
            name='lng',
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, validators=[django.core.validators.MinValueValidator(Decimal('-180')), django.core.validators.MaxValueValidator(Decimal('180'))], verbose_name='longitude'),
        ),
        migrations.AlterField(
            model_name='complaintattachment',
            name='kind',
            field=models.CharField(choices=[('photo', 'Photo'), ('video', 'Video'), ('audio', 'Audio'), ('pdf', 'PDF document')], max_length=8, verbose_name='kind'),
        ),
    ]
