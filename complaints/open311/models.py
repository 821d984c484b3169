"""The platforms allowed to file complaints through Open311, and what each of them filed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.choices import Channel


class Open311Client(models.Model):
    """Another city platform (e.g. the 12345 hotline system) with an API key of its own. The key is shown
    once, when it is issued; only its SHA-256 is kept. Its complaints come in on `channel`, go to `unit`,
    and are registered by `account`: an inactive service user with the intake role in that unit, so the
    timeline names the platform as who registered them, and nobody can sign in as it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.HOTLINE_12345
    )
    unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit whose intake desk receives this platform's complaints."),
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(_("key SHA-256"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    key_issued_at = models.DateTimeField(_("key issued"), null=True, editable=False)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Open311Request(models.Model):
    """A complaint a client filed. The client reads back its own requests in full; anyone reads the public
    part of every Open311 request (serializers.public_request_json)."""

    client = models.ForeignKey(Open311Client, on_delete=models.PROTECT, related_name="requests")
    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="open311_request"
    )
    # A reference only: the URL is kept as sent and never fetched (the servers make no outbound requests).
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    device_id = models.CharField(_("device ID"), max_length=100, blank=True)
    # The complainant's e-mail, personal data like their name and phone (举报人保密): never read back.
    complainant_email = models.EmailField(_("complainant's e-mail"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        indexes = [models.Index(fields=["client", "created_at"], name="open311_client_created")]

    def __str__(self):
        return f"{self.client} · {self.complaint_id}"
