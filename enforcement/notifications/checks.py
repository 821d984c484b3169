from django.conf import settings
from django.core.checks import Error, register


@register()
def webhook_is_signed(app_configs, **kwargs):
    """The SMS gateway must be able to tell our messages from forgeries: a webhook URL needs a secret."""
    if settings.NOTIFICATIONS_WEBHOOK_URL and not settings.NOTIFICATIONS_WEBHOOK_SECRET:
        return [
            Error(
                "NOTIFICATIONS_WEBHOOK_URL is set but NOTIFICATIONS_WEBHOOK_SECRET is empty: the webhook would be "
                "sent unsigned.",
                hint="Set NOTIFICATIONS_WEBHOOK_SECRET to the secret shared with the SMS gateway.",
                id="notifications.E001",
            )
        ]
    return []


@register()
def deadline_kinds_name_real_fields(app_configs, **kwargs):
    """A kind is declarations only (registry.py): a misspelt field would fail in the first sweep, at night,
    in a worker — say so at start-up instead."""
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.module_loading import import_string

    from . import registry

    errors = []
    for kind in registry.all_kinds():
        try:
            meta = kind.model_class._meta
        except LookupError:
            errors.append(
                Error(
                    f"Deadline kind {kind.slug!r} names the model {kind.model!r}, which is not installed.",
                    id="notifications.E002",
                )
            )
            continue
        names = [
            kind.due_field,
            kind.met_field,
            kind.status_field,
            kind.unit_field,
            *kind.handler_fields,
            kind.start_field,
            kind.changed_field,
        ]
        for name in filter(None, names):
            try:
                meta.get_field(name)
            except FieldDoesNotExist:
                errors.append(
                    Error(
                        f"Deadline kind {kind.slug!r} names the field {name!r}, which {kind.model} lacks.",
                        id="notifications.E002",
                    )
                )
        if isinstance(kind.recipients, str):
            try:
                import_string(kind.recipients)
            except ImportError:
                errors.append(
                    Error(
                        f"Deadline kind {kind.slug!r}: its recipients hook {kind.recipients!r} cannot be "
                        "imported.",
                        id="notifications.E002",
                    )
                )
    return errors


@register()
def event_notices_name_real_fields(app_configs, **kwargs):
    """A workflow's notices are declarations only (events.py): a misspelt field or role would fail in the
    notice task, in a worker — say so at start-up instead."""
    from django.core.exceptions import FieldDoesNotExist

    from enforcement.org.choices import Role
    from enforcement.workflow.core import all_workflows

    errors = []
    for workflow in all_workflows():
        for slug, notice in workflow.notices.items():
            try:
                meta = workflow.model._meta
            except LookupError:
                break  # the workflow's own checks report a model that is not installed
            for name in (*notice.to, notice.unit_field):
                try:
                    meta.get_field(name)
                except FieldDoesNotExist:
                    errors.append(
                        Error(
                            f"The notice of {workflow.model_label} “{slug}” names the field {name!r}, "
                            f"which the model lacks.",
                            id="notifications.E003",
                        )
                    )
            unknown = set(notice.fallback_roles) - set(Role.values)
            if unknown:
                errors.append(
                    Error(
                        f"The notice of {workflow.model_label} “{slug}” names unknown roles "
                        f"{sorted(unknown)}.",
                        id="notifications.E003",
                    )
                )
    return errors
