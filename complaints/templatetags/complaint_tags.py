import html

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
    "under_review": "text-bg-danger",
    "under_recheck": "text-bg-danger",
}


@register.simple_tag
def status_badge(complaint):
    return format_html(
        '<span class="badge {} status-badge" data-status="{}">{}</span>',
        STATUS_CLASSES.get(complaint.status, "text-bg-secondary"),
        complaint.status,
        complaint.get_status_display(),
    )


# The list's filter choices (a city user's list offers ~700 grids, units and categories): built as one string,
# since a template loop with an {% if %} per option cost ~25 ms for that many, format_html per option ~6 ms.
# The labels are plain strings from the cached choices (enforcement/catalog/cached.py, org/cached.py);
# html.escape is what Django's escape calls.
def _options(choices, selected):
    selected = str(selected or "")
    return "".join(
        f'<option value="{html.escape(value)}"{" selected" if value == selected else ""}>{html.escape(str(label))}'
        "</option>"
        for value, label in ((str(v), lbl) for v, lbl in choices)
    )


@register.simple_tag
def options(choices, selected=""):
    """<option>s for [(value, label)], the one equal to `selected` (a query-string value) selected."""
    return mark_safe(_options(choices, selected))  # noqa: S308 - every value and label is escaped above


@register.simple_tag
def option_groups(groups, selected=""):
    """<optgroup>s of <option>s for [(group label, [(value, label)])]."""
    return mark_safe(
        "".join(  # noqa: S308 - every value and label is escaped
            f'<optgroup label="{html.escape(str(label))}">{_options(choices, selected)}</optgroup>'
            for label, choices in groups
        )
    )
