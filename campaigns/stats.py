"""What campaigns count in the monthly statistics (PRODUCT §9): each declared field measure (measures.py)
summed from the field logs dated in the month, the field logs themselves, and the rectification items'
notices, rectifications and escalations, each on its own day.

Field logs carry no violation category (a campaign has a kind, not a category): their figures are stored
as uncategorised. A cancelled campaign's logs are left out — the work stands in the log book, but the
campaign did not happen as reported; its items' notices, re-checks and escalations still count, as each is
an act done on a party whatever became of the campaign.
"""

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.stats import measures as stats
from enforcement.stats.measures import Measure, Period, Source, Tally, Unit

from . import measures
from .choices import CampaignStatus, RecheckResult
from .models import Campaign, FieldLog, FieldLogValue, RectificationItem

FAMILY = "campaigns"
# The statistics' unit of each field measure that is not a count (the exports format numbers by it).
NOT_COUNTS = {"demolished_area": Unit.SQUARE_METRES}


def slug_of(measure):
    return f"campaign_{measure.slug}"


FIELD_MEASURES = [
    Measure(
        slug_of(m),
        m.label,
        format_lazy(
            _(
                "{measure} ({unit}) logged in campaigns' field logs dated in the month (the day of the work), "
                "by the log's unit; logs of cancelled campaigns are left out. {meaning}"
            ),
            measure=m.label,
            unit=m.unit,
            meaning=m.definition,
        ),
        FAMILY,
        unit=NOT_COUNTS.get(m.slug, Unit.COUNT),
        counted_as=None if m.slug in NOT_COUNTS else m.unit,
    )
    for m in measures.MEASURES
]
FIELD_LOGS = Measure(
    "campaign_field_logs",
    _("Field logs"),
    _(
        "Campaigns' field logs dated in the month (the day of the work), by the log's unit; logs of "
        "cancelled campaigns are left out."
    ),
    FAMILY,
    counted_as=pgettext_lazy("counted as", "logs"),  # 工作日志14篇
)
ITEM_MEASURES = [
    Measure(
        "rectifications_issued",
        _("Rectification notices issued"),  # 责令限期整改通知书
        _(
            "Campaigns' rectification items given their rectification notice in the month, on the day the "
            "notice was issued, by the item's unit and category (a cancelled campaign's items too)."
        ),
        FAMILY,
        counted_as=pgettext_lazy("counted as", "notices"),  # 份
    ),
    Measure(
        "rectifications_rectified",
        _("Items rectified"),
        _(
            "Rectification items re-checked and found rectified, on the day of the re-check (as recorded "
            "at the re-check), by the item's unit and category (a cancelled campaign's items too)."
        ),
        FAMILY,
        counted_as=pgettext_lazy("counted as", "items"),  # 个
    ),
    Measure(
        "rectifications_escalated",
        _("Items escalated to a case"),
        _(
            "Rectification items not rectified and escalated to a case, on the day of the escalation, by "
            "the item's unit and category (a cancelled campaign's items too)."
        ),
        FAMILY,
        counted_as=pgettext_lazy("counted as", "items"),
    ),
]


def _localdate(moment):
    return timezone.localdate(moment) if moment else None


def _in_month(field, period):
    """A DateTimeField within the month, local time (23:30 on the 31st is that month, whatever UTC says)."""
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _days(field, period):
    """A DateField (a local day already) within the month."""
    return Q(**{f"{field}__gte": period.first_day, f"{field}__lt": period.next_first_day})


def _logs(period):
    return FieldLog.objects.filter(_days("day", period)).exclude(campaign__status=CampaignStatus.CANCELLED)


def tallies(period):
    # One grouped query over the logs LEFT JOINed to their values: each value summed once, each log counted
    # once (distinct), however many values it has.
    field = {slug_of(m): Sum("values__value", filter=Q(values__measure=m.slug)) for m in measures.MEASURES}
    yield Tally(
        _logs(period),
        {**field, FIELD_LOGS.slug: Count("id", distinct=True)},
        category=None,
    )
    issued = _in_month("noticed_at", period)
    rectified = _days("rechecked_on", period) & Q(recheck_result=RecheckResult.RECTIFIED)
    escalated = _in_month("escalated_at", period) & Q(case__isnull=False)
    yield Tally(
        RectificationItem.objects.filter(issued | rectified | escalated),
        {
            "rectifications_issued": Count("id", filter=issued),
            "rectifications_rectified": Count("id", filter=rectified),
            "rectifications_escalated": Count("id", filter=escalated),
        },
    )


def changed(period, unit_ids, since):
    """The month's field logs of those units added since `since`, or dropped from the figures since then
    because their campaign was cancelled. Logs, not items: they carry all but three of the figures, and a
    log saved after the month's lock is always a correction of it (an item's later steps mostly count in
    later months)."""
    cancelled_since = Q(campaign__status=CampaignStatus.CANCELLED, campaign__ended_at__gt=since)
    return (
        FieldLog.objects.filter(_days("day", period), unit_id__in=unit_ids)
        .filter(Q(updated_at__gt=since) | cancelled_since)
        .only("campaign_id", "unit_id", "day")  # str() and get_absolute_url()
        .order_by("day", "id")
    )


def _item_days(item):
    return [_localdate(item.noticed_at), item.rechecked_on, _localdate(item.escalated_at)]


def _campaign_days(campaign):
    """A cancelled campaign's logs leave the figures of every month it ran in."""
    if campaign.status != CampaignStatus.CANCELLED:
        return []
    months = Period.range(Period.containing(campaign.starts_on), Period.containing(campaign.ends_on))
    return [period.first_day for period in months]


SOURCE = Source(
    family=FAMILY,
    measures=[*FIELD_MEASURES, FIELD_LOGS, *ITEM_MEASURES],
    tallies=tallies,
    changed=changed,
    watch=[
        (FieldLog, lambda log: [log.day]),
        (FieldLogValue, lambda value: [value.log.day]),
        (RectificationItem, _item_days),
        (Campaign, _campaign_days),
    ],
)


def register():
    stats.register(SOURCE)
