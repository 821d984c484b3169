"""The login locks and blocked addresses (enforcement/org/auth.py) in Django's admin: who is locked out, and
the action "Unlock login", audited like `manage.py unlock_login`. Rows are written by failed logins only,
so they are read-only here; each shows its audit history in words."""

from django.contrib import admin, messages
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from enforcement.audit.timeline import events_for, timeline_rows

from .auth import unlock_address, unlock_username
from .models import ApiToken, LoginAddressBlock, LoginFailure
from .tokens import revoke


class _LoginLimitAdmin(admin.ModelAdmin):
    until_field = ""
    actions = ["unlock_login"]

    # Written by failed logins only, lifted by the audited action only (a deletion would not be audited).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_unlock_permission(self, request):
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def get_readonly_fields(self, request, obj=None):
        return [*[f.name for f in self.model._meta.concrete_fields if not f.primary_key], "history"]

    @admin.display(description=_("in effect"), boolean=True)
    def in_effect(self, obj):
        until = getattr(obj, self.until_field)
        return until is not None and until > timezone.now()

    @admin.display(description=_("history"))
    def history(self, obj):
        rows = timeline_rows(obj, list(events_for(obj)[:50]))
        if not rows:
            return _("No recorded changes.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} · {} · {}{}</li>",
                (
                    (
                        formats.date_format(row["at"], "SHORT_DATETIME_FORMAT"),
                        row["actor"],
                        row["step"],
                        "".join(f"; {change['label']}: {change['after']}" for change in row["changes"]),
                    )
                    for row in rows
                ),
            ),
        )

    def unlock(self, obj, user):
        raise NotImplementedError

    @admin.action(description=_("Unlock login"), permissions=["unlock"])
    def unlock_login(self, request, queryset):
        count = sum(1 for obj in queryset if self.unlock(obj, request.user))
        self.message_user(
            request,
            _("Logins unlocked: %(count)d.") % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )


@admin.register(LoginFailure)
class LoginFailureAdmin(_LoginLimitAdmin):
    list_display = ["username", "failures", "last_failure_at", "locked_until", "in_effect"]
    search_fields = ["username"]
    ordering = ["-last_failure_at"]
    until_field = "locked_until"

    def unlock(self, obj, user):
        return unlock_username(obj.username, by=user)


@admin.register(LoginAddressBlock)
class LoginAddressBlockAdmin(_LoginLimitAdmin):
    list_display = ["address", "failures", "blocked_at", "blocked_until", "in_effect"]
    search_fields = ["address"]
    ordering = ["-blocked_at"]
    until_field = "blocked_until"

    def unlock(self, obj, user):
        return unlock_address(obj.address, by=user)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Each user's API tokens, one per device, never their keys (only a digest is kept, and not shown).
    Tokens are issued by signing in through the API only; an administrator revokes them here (a deletion:
    the key stops working at once), or with `manage.py revoke_tokens <username>`."""

    list_display = ["user", "device", "created_at", "expires_at", "last_used_at", "in_effect"]
    list_filter = ["expires_at"]
    search_fields = ["user__username", "user__full_name", "device"]
    ordering = ["user__username", "device"]
    fields = ["user", "device", "created_at", "expires_at", "last_used_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("in effect"), boolean=True)
    def in_effect(self, obj):
        return not obj.is_expired

    def delete_model(self, request, obj):  # the delete page: a revocation, audited
        revoke(ApiToken.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):  # the admin's own delete action
        revoke(queryset, by=request.user)

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["delete"])
    def revoke(self, request, queryset):
        count = revoke(queryset, by=request.user)
        self.message_user(
            request,
            _("API tokens revoked: %(count)d.") % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )
