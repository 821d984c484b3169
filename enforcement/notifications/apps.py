from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "enforcement.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Each app declares the deadlines it wants watched in its `deadlines.py` (see registry.py).
        autodiscover_modules("deadlines")
        from . import checks  # noqa: F401 — registers the system checks
