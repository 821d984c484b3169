"""Django's admin for superusers' inspection. Complaints change only through the services (the UI and the
API), so the complaint and its records are read-only here; deadline policies are edited in the app's pages."""

from django.contrib import admin

from .models import Complaint, ComplaintAttachment, ComplaintExtension, ComplaintLink, DeadlinePolicy


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "channel", "unit", "received_at", "due_at"]
    list_filter = ["status", "channel"]
    search_fields = ["number"]
    show_full_result_count = False
    # 举报人保密: the complainant's contact details are not shown in the admin either.
    exclude = ["complainant_name", "complainant_phone"]
    list_select_related = ["unit"]


@admin.register(ComplaintAttachment)
class ComplaintAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "kind", "stage", "size", "sha256", "uploaded_at"]


@admin.register(ComplaintExtension)
class ComplaintExtensionAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "days", "decision", "requested_at", "decided_at"]


@admin.register(ComplaintLink)
class ComplaintLinkAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "content_type", "object_id", "created_at"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(ReadOnlyAdmin):
    list_display = ["channel", "category", "unit", "accept_within", "reply_within", "visit_within"]
