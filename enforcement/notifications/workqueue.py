"""The notifications' part of the work queue (待办): deliveries that failed, for administrators — the
reminders themselves point at records the domain apps already list (complaints.workqueue etc.)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enforcement.org.workqueue import WorkItem, register

from .models import Delivery, DeliveryStatus


@register
def failed_deliveries(user):
    if not user.is_admin:
        return []
    # A count over the failed rows of the administrator's units: a small partial index (delivery_failed_recent).
    count = Delivery.objects.visible_to(user).filter(status=DeliveryStatus.FAILED).count()
    if not count:
        return []
    return [
        WorkItem(
            title=ngettext(
                "%(count)d reminder could not be delivered",
                "%(count)d reminders could not be delivered",
                count,
            )
            % {"count": count},
            url=reverse("notifications:failed"),
            kind=_("Notifications"),
            status=_("Failed"),
            detail=_("Fix the channel (mail server, SMS gateway) and retry them."),
        )
    ]
