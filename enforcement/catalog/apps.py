from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "enforcement.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        from .cached import CHOICES
        from .models import ViolationCategory

        CHOICES.forget_on_change(ViolationCategory)  # the cached category choices (cached.py)
