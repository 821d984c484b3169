from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "enforcement.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        # Each app declares its kinds of approval in its `approvals.py` (see registry.py).
        autodiscover_modules("approvals")
