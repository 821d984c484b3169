from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from enforcement.catalog.models import ViolationCategory
        from enforcement.org.models import Grid, OrgUnit

        from .cached_choices import forget

        for model in (ViolationCategory, OrgUnit, Grid):
            post_save.connect(forget, sender=model, dispatch_uid=f"complaints-choices-{model.__name__}")
            post_delete.connect(forget, sender=model, dispatch_uid=f"complaints-choices-delete-{model.__name__}")
