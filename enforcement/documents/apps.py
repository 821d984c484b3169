from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "enforcement.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self):
        # Each app declares the document types issuable on its records in its `documents.py` (registry.py).
        autodiscover_modules("documents")
