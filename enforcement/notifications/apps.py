from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "enforcement.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Each app declares the deadlines it wants watched in its `deadlines.py` (see registry.py).
        autodiscover_modules("deadlines")
        from enforcement.approvals.signals import approval_decided, approval_requested
        from enforcement.workflow.signals import transitioned

        from . import checks, events  # noqa: F401 — importing checks registers the system checks

        # Event notices: what a workflow declares (Workflow(notices=…)) and what approvals imply.
        transitioned.connect(events.on_transitioned, dispatch_uid="notifications.event_notices")
        approval_requested.connect(
            events.on_approval_requested, dispatch_uid="notifications.approval_requested"
        )
        approval_decided.connect(events.on_approval_decided, dispatch_uid="notifications.approval_decided")
