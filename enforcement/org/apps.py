from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "enforcement.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        # Each app may contribute a `workqueue` module that registers its work-queue provider.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("workqueue")

        from .cached import CHOICES
        from .models import Grid, OrgUnit

        CHOICES.forget_on_change(OrgUnit, Grid)  # the cached unit and grid choices (cached.py)
