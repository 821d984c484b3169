from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from . import history, services  # noqa: F401 - services registers the workflow's actions

        history.register()

        from enforcement.stats.measures import register

        from .stats import SOURCE

        register(SOURCE)
