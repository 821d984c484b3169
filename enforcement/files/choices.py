from django.db import models
from django.utils.translation import gettext_lazy as _


class FileKind(models.TextChoices):
    """What an attachment is, read from its bytes (sniffing.py), never from its name."""

    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    PDF = "pdf", _("PDF document")
