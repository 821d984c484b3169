from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenaltiesConfig(AppConfig):
    name = "penalties"
    verbose_name = _("Penalties and execution")

    def ready(self):
        from enforcement.stats.measures import register

        from . import approvals, deadlines, demolitions, services  # noqa: F401 - register kinds, the workflow's actions
        from .stats import SOURCE

        register(SOURCE)
