from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from . import deadlines, documents, history, services, stats  # noqa: F401 - the kind, the notice, the actions

        history.register()
        stats.register()
