"""Deadline policy: which periods apply to a complaint and the due moments they give, on the working-day
calendar. Administrators keep `DeadlinePolicy` rows per channel (optionally per category); where none
applies, the defaults below hold. (The reminders that watch these moments live in `deadlines.py`.)"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.catalog.law import article_reference
from enforcement.catalog.params import DEFAULTS, get_int
from enforcement.workdays import calendar
from enforcement.workdays.periods import PeriodUnit

from .choices import (
    DELEGATE_CHANNELS,
    PETITION_CHANNELS,
    ReplyCountsFrom,
)


@dataclass(frozen=True)
class Policy:
    unit: str
    accept_within: int
    reply_within: int
    reply_counts_from: str
    visit_within: int
    visit_unit: str
    max_extensions: int
    max_extension: int
    source: str = ""


def default_policy(channel):
    if channel in PETITION_CHANNELS:
        # 信访工作条例 Art. 23: accept or decline in writing within 15 days; Art. 34: handle within 60 days
        # of acceptance, extendable once by at most 30 days with approval.
        return Policy(
            unit=PeriodUnit.DAYS,
            accept_within=get_int("petition_accept_days"),
            reply_within=get_int("petition_handle_days"),
            reply_counts_from=ReplyCountsFrom.ACCEPTED,
            visit_within=get_int("visit_after_reply_working_days"),
            visit_unit=PeriodUnit.WORKING_DAYS,
            max_extensions=1,
            max_extension=get_int("petition_extension_max_days"),
            source=article_reference(_("Regulations on Petitions"), 23, 34),
        )
    if channel in DELEGATE_CHANNELS:
        # NPC suggestions and CPPCC proposals: answered within three months of assignment.
        return Policy(
            unit=PeriodUnit.DAYS,
            accept_within=5,
            reply_within=90,
            reply_counts_from=ReplyCountsFrom.ACCEPTED,
            visit_within=get_int("visit_after_reply_working_days"),
            visit_unit=PeriodUnit.WORKING_DAYS,
            max_extensions=1,
            max_extension=30,
        )
    # Hotlines, web, media, patrol: reply within 5 working days of receipt; visit within 3 working days.
    reply = get_int("hotline_reply_working_days")
    return Policy(
        unit=PeriodUnit.WORKING_DAYS,
        accept_within=1,
        reply_within=reply,
        reply_counts_from=ReplyCountsFrom.RECEIVED,
        visit_within=get_int("visit_after_reply_working_days"),
        visit_unit=PeriodUnit.WORKING_DAYS,
        max_extensions=1,
        max_extension=reply,
    )


def policy_for(channel, category_id=None):
    from .models import DeadlinePolicy

    wanted = (
        Q(category__isnull=True) | Q(category_id=category_id) if category_id else Q(category__isnull=True)
    )
    rows = {row.category_id: row for row in DeadlinePolicy.objects.filter(wanted, channel=channel)}
    row = rows.get(category_id) or rows.get(None)
    if row is None:
        return default_policy(channel)
    return Policy(
        unit=row.unit,
        accept_within=row.accept_within,
        reply_within=row.reply_within,
        reply_counts_from=row.reply_counts_from,
        visit_within=row.visit_within,
        visit_unit=row.visit_unit,
        max_extensions=row.max_extensions,
        max_extension=row.max_extension,
        source=row.note,
    )


def end_of_same_day(moment):
    return calendar.end_of_day(calendar.local_date(moment))


def accept_due(complaint, policy=None):
    policy = policy or policy_for(complaint.channel, complaint.category_id)
    if complaint.category.is_urgent:  # urgent items: the same day (PRODUCT §2)
        return end_of_same_day(complaint.received_at)
    return calendar.due_after(complaint.received_at, policy.accept_within, policy.unit)


def reply_due(complaint, *, start=None, policy=None):
    """The reply deadline, counted from receipt or acceptance as the policy says (or from `start`, for a
    reopened complaint)."""
    policy = policy or policy_for(complaint.channel, complaint.category_id)
    if start is None:
        start = complaint.received_at
        if policy.reply_counts_from == ReplyCountsFrom.ACCEPTED and complaint.accepted_at:
            start = complaint.accepted_at
    if complaint.category.is_urgent:
        return end_of_same_day(start)
    return calendar.due_after(start, policy.reply_within, policy.unit)


def visit_due(complaint, policy=None):
    policy = policy or policy_for(complaint.channel, complaint.category_id)
    return calendar.due_after(complaint.replied_at or timezone.now(), policy.visit_within, policy.visit_unit)


def extended_reply_due(complaint, days, policy=None):
    """An approved extension moves the reply deadline by `days` periods of the policy's unit."""
    policy = policy or policy_for(complaint.channel, complaint.category_id)
    return calendar.due_after(complaint.reply_due_at or timezone.now(), days, policy.unit)


# --- a petition's review (复查) and second review (复核), 信访工作条例 Art. 35-36 ---------------------------
def petition_period_end(start, key):
    """The end of the period legal parameter `key` sets from `start`, counted in the parameter's unit (these
    count calendar days: 信访工作条例 counts days, and a last day on a rest day moves to the next working day)."""
    return calendar.due_after(start, get_int(key), PeriodUnit(DEFAULTS[key].unit))


@dataclass(frozen=True)
class PetitionStage:
    """One of a petition's two further answers (信访工作条例 Art. 35): the complainant asks within
    `request_key`'s period of the answer they dispute (`disputes`, a moment of the complaint), and the unit
    one level up answers within `answer_key`'s period of the request. The fields are `<name>_requested_at`,
    `<name>_reason`, `<name>_due_at`, `<name>_answer`, `<name>_answered_at`."""

    name: str
    disputes: str
    request_key: str
    answer_key: str

    def request_ends(self, complaint):
        return petition_period_end(getattr(complaint, self.disputes), self.request_key)

    def answer_due(self, requested_at):
        return petition_period_end(requested_at, self.answer_key)


REVIEW = PetitionStage("review", "replied_at", "petition_review_request_days", "petition_review_answer_days")
RECHECK = PetitionStage(
    "recheck", "review_answered_at", "petition_recheck_request_days", "petition_recheck_answer_days"
)
