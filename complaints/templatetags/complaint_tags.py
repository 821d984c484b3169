from django import template
from django.utils.html import format_html

register = template.Library()

STATUS_CLASSES = {
    "received": "text-bg-secondary",
    "accepted": "text-bg-info",
    "rejected": "text-bg-dark",
    "dispatched": "text-bg-primary",
    "in_progress": "text-bg-primary",
    "replied": "text-bg-warning",
    "visited": "text-bg-info",
    "closed": "text-bg-success",
    "merged": "text-bg-light border",
}


@register.simple_tag
def status_badge(complaint):
    return format_html(
        '<span class="badge {} status-badge" data-status="{}">{}</span>',
        STATUS_CLASSES.get(complaint.status, "text-bg-secondary"), complaint.status, complaint.get_status_display(),
    )


BUTTON_CLASSES = {"primary": "btn-primary", "danger": "btn-outline-danger", "warning": "btn-outline-warning",
                  "success": "btn-success", "secondary": "btn-outline-secondary"}


@register.filter
def button_class(transition):
    return BUTTON_CLASSES.get(transition.style, "btn-primary")
