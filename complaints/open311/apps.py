from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    """Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): other city platforms file and track
    complaints here with an API key of their own."""

    name = "complaints.open311"
    label = "open311"
    verbose_name = _("Open311 clients")
    default_auto_field = "django.db.models.BigAutoField"
