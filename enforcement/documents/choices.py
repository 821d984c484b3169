from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DocumentStatus(models.TextChoices):
    # What a clerk calls them: 有效, 已更正, 已作废.
    ISSUED = "issued", pgettext_lazy("document status", "In force")
    CORRECTED = "corrected", pgettext_lazy("document status", "Corrected")  # replaced by a correction; kept
    VOIDED = "voided", pgettext_lazy("document status", "Void")  # 作废: the number is never reused


class ServiceMethod(models.TextChoices):
    """How a document reached the person it is for (送达方式; 行政处罚法 Art. 61, 民事诉讼法 Art. 87–95)."""

    IN_PERSON = "in_person", _("In person")  # 直接送达
    LEFT_AT_ADDRESS = "left_at_address", _("Left at the address after a refusal")  # 留置送达
    POST = "post", _("By post")  # 邮寄送达
    ELECTRONIC = "electronic", _("By electronic means, with consent")  # 电子送达
    PUBLIC_NOTICE = "public_notice", _("By public notice")  # 公告送达
