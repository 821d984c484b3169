from django.conf import settings
from django.core.checks import Error, register


@register()
def webhook_is_signed(app_configs, **kwargs):
    """The SMS gateway must be able to tell our messages from forgeries: a webhook URL needs a secret."""
    if settings.NOTIFICATIONS_WEBHOOK_URL and not settings.NOTIFICATIONS_WEBHOOK_SECRET:
        return [Error(
            "NOTIFICATIONS_WEBHOOK_URL is set but NOTIFICATIONS_WEBHOOK_SECRET is empty: the webhook would be "
            "sent unsigned.",
            hint="Set NOTIFICATIONS_WEBHOOK_SECRET to the secret shared with the SMS gateway.",
            id="notifications.E001",
        )]
    return []
