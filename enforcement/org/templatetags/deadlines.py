"""Deadline badges: the time left (or overdue) in words, coloured by urgency. Any app's template:

    {% load deadlines %}
    {% deadline_badge complaint.reply_due_at %}     a badge: "Overdue by 2 days" (red), "3 hours left" (amber),
                                                     "5 days left" (green); "No deadline" when the value is None
    {% deadline_badge case.decision_due %}          a date (not a datetime) is due at the end of that day
    {% include "includes/deadline.html" with due=obj.reply_due_at %}      the same badge, as an include
    {{ obj.reply_due_at|time_left }}                the words only
    {{ obj.reply_due_at|urgency }}                  "overdue", "due_soon", "ok" or "none", for your own classes
    {% certificate_badge member %}                  a user's enforcement certificate: expired / expiring / valid

The colours are the work queue's (WorkItem.urgency in enforcement/org/workqueue.py): overdue red, due
within a day amber, later green. Each badge also carries an icon and words, so colour is never the only cue.
"""

from datetime import date, datetime, time, timedelta

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enforcement.org.workqueue import WorkItem

register = template.Library()

# PRODUCT §1: an expired certificate cannot sign enforcement acts; warn this many days ahead.
CERTIFICATE_WARNING_DAYS = 30

BADGES = {
    "overdue": ("text-bg-danger", "bi-exclamation-octagon-fill"),
    "due_soon": ("text-bg-warning", "bi-hourglass-split"),
    "ok": ("text-bg-success", "bi-clock"),
}


def as_deadline(value):
    """A datetime as is; a date means the end of that local day; anything else None."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time.max))
    return None


def deadline_urgency(value):
    return WorkItem(title="", url="", kind="", due_at=as_deadline(value)).urgency


def time_left_text(value, now=None):
    due = as_deadline(value)
    if due is None:
        return _("No deadline")
    seconds = (due - (now or timezone.now())).total_seconds()
    amount = abs(seconds)
    if amount < 60:
        return _("Due now")
    if amount >= 2 * 86400:
        count = int(amount // 86400)
        words = (
            ngettext("Overdue by %(count)d day", "Overdue by %(count)d days", count)
            if seconds < 0
            else ngettext("%(count)d day left", "%(count)d days left", count)
        )
    elif amount >= 3600:
        count = int(amount // 3600)
        words = (
            ngettext("Overdue by %(count)d hour", "Overdue by %(count)d hours", count)
            if seconds < 0
            else ngettext("%(count)d hour left", "%(count)d hours left", count)
        )
    else:
        count = int(amount // 60)
        words = (
            ngettext("Overdue by %(count)d minute", "Overdue by %(count)d minutes", count)
            if seconds < 0
            else ngettext("%(count)d minute left", "%(count)d minutes left", count)
        )
    return words % {"count": count}


@register.filter
def time_left(value):
    return time_left_text(value)


@register.filter
def urgency(value):
    return deadline_urgency(value)


@register.simple_tag
def deadline_badge(value):
    due = as_deadline(value)
    if due is None:
        return format_html('<span class="badge text-bg-light border deadline">{}</span>', _("No deadline"))
    css, icon = BADGES[deadline_urgency(due)]
    local = timezone.localtime(due)
    return format_html(
        '<span class="badge {} deadline deadline-{}"><i class="bi {}" aria-hidden="true"></i> '
        '<time datetime="{}" title="{}">{}</time></span>',
        css,
        deadline_urgency(due),
        icon,
        local.isoformat(),
        formats.date_format(local, "DATETIME_FORMAT"),
        time_left_text(due),
    )


def certificate_state(user, today=None):
    """'missing', 'expired', 'expiring' (within CERTIFICATE_WARNING_DAYS) or 'valid'."""
    if not user.certificate_no or user.certificate_expires is None:
        return "missing"
    today = today or timezone.localdate()
    if user.certificate_expires < today:
        return "expired"
    if user.certificate_expires <= today + timedelta(days=CERTIFICATE_WARNING_DAYS):
        return "expiring"
    return "valid"


@register.simple_tag
def certificate_badge(user):
    state = certificate_state(user)
    if state == "missing":
        return format_html('<span class="badge text-bg-light border">{}</span>', _("No certificate"))
    expires = formats.date_format(user.certificate_expires, "DATE_FORMAT")
    css, icon, words = {
        "expired": ("text-bg-danger", "bi-x-octagon-fill", _("Expired on %(date)s")),
        "expiring": ("text-bg-warning", "bi-exclamation-triangle-fill", _("Expires on %(date)s")),
        "valid": ("text-bg-success", "bi-patch-check", _("Valid until %(date)s")),
    }[state]
    return format_html(
        '<span class="badge {} certificate-{}"><i class="bi {}" aria-hidden="true"></i> {}</span>',
        css,
        state,
        icon,
        words % {"date": expires},
    )
