"""Administrators register the platforms allowed to use Open311. The key is shown once, in the message
after saving a new client or issuing a new key; only its SHA-256 is stored."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Open311Client, Open311Request

KEY_MESSAGE = _("The API key of “%(name)s” is %(key)s — copy it now: it is not shown again.")


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "unit", "is_active", "key_prefix", "key_issued_at"]
    list_filter = ["is_active", "channel"]
    search_fields = ["name"]
    fields = ["name", "channel", "unit", "is_active", "account", "key_prefix", "key_issued_at", "created_at"]
    readonly_fields = ["account", "key_prefix", "key_issued_at", "created_at"]
    list_select_related = ["unit"]
    actions = ["issue_new_key"]

    def has_delete_permission(self, request, obj=None):
        return False  # its complaints keep pointing to it; deactivate instead

    def save_model(self, request, obj, form, change):
        if change:
            # The form has already set the new values on `obj`: the service edits the stored row, so the
            # audit trail records what changed.
            stored = Open311Client.objects.get(pk=obj.pk)
            services.update_client(
                stored, by=request.user, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
            return
        client, key = services.create_client(
            name=obj.name, unit=obj.unit, channel=obj.channel, by=request.user
        )
        if not obj.is_active:
            services.update_client(client, by=request.user, is_active=False)
        obj.pk = client.pk
        obj.refresh_from_db()
        self.message_user(request, KEY_MESSAGE % {"name": client.name, "key": key}, messages.WARNING)

    @admin.action(description=_("Issue a new API key (the old one stops working)"))
    def issue_new_key(self, request, queryset):
        for client in queryset:
            key = services.rotate_key(client, by=request.user)
            self.message_user(
                request, gettext(KEY_MESSAGE) % {"name": client.name, "key": key}, messages.WARNING
            )


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ["complaint", "client", "created_at"]
    list_filter = ["client"]
    list_select_related = ["complaint", "client"]
    fields = readonly_fields = [
        "client",
        "complaint",
        "media_url",
        "device_id",
        "created_at",
    ]  # not the e-mail

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
