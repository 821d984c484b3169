"""A source of the platform's own tests, over complaints (any model with a unit, a category and a date would
do): received, closed and "fined" (a sum), so the platform is tested apart from the domain apps' sources."""

import pytest
from django.db.models import Count, Q, Sum
from django.utils import timezone

from complaints.choices import Channel, ComplaintStatus
from complaints.models import Complaint
from enforcement.stats import measures
from enforcement.stats.measures import Measure, Rate, Source, Tally


def _tallies(period):
    received = Complaint.objects.filter(received_at__gte=period.start, received_at__lt=period.end)
    yield Tally(
        received,
        {
            "t_received": Count("id"),
            "t_closed": Count("id", filter=Q(status=ComplaintStatus.CLOSED)),
            "t_extended": Sum("extended_days"),
        },
        channel="channel",
        person="handler_id",
    )
    yield Tally(received, {"t_units": Count("id")}, category=None)  # a count with no category to group by


def _changed(period, unit_ids, since):
    return Complaint.objects.filter(
        received_at__gte=period.start, received_at__lt=period.end, unit_id__in=unit_ids, updated_at__gt=since
    ).order_by("id")


def _months_of(complaint):
    return [timezone.localdate(complaint.received_at)] if complaint.received_at else []


TEST_SOURCE = Source(
    family="complaints",
    name="platform-test",
    measures=[
        Measure("t_received", "received", "complaints received in the month", "complaints", by_channel=True),
        Measure("t_closed", "closed", "of those, closed", "complaints", by_channel=True, by_person=True),
        Measure("t_units", "by unit", "counted by unit only", "complaints"),
        Measure("t_extended", "days extended", "days of extension", "complaints", unit="yuan"),
    ],
    rates=[
        Rate("t_completion", "completion", "closed ÷ received", "complaints", ("t_closed",), ("t_received",))
    ],
    tallies=_tallies,
    changed=_changed,
    channels=Channel.choices,
    watch=[(Complaint, _months_of)],
)


@pytest.fixture
def test_source(monkeypatch):
    """Only the test source is registered while the test runs."""
    monkeypatch.setattr(measures, "_sources", {})
    measures.register(TEST_SOURCE)
    return TEST_SOURCE
