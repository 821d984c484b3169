from datetime import timedelta

from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..keyset import Ordering, fetch
from ..models import Complaint
from .factories import ComplaintFactory

NEWEST_FIRST = Ordering("received_at", descending=True)
WINDOWS = (timedelta(days=7), timedelta(days=365))


def test_windows_go_back_in_time_and_narrow_only_the_older_ones(city, category):
    now = timezone.now()
    made = {age: ComplaintFactory(unit=city, category=category, received_at=now - timedelta(days=age),
                                  description="a" if age in (1, 10, 400) else "b")
            for age in (1, 3, 10, 40, 400, 800)}
    # A `narrow` that is deliberately not equivalent, to show where it applies: not in the first window.
    narrow = Q(description="a")

    def newest(limit):
        with CaptureQueriesContext(connection) as ctx:
            rows = fetch(Complaint.objects.all(), NEWEST_FIRST, limit=limit, windows=WINDOWS, narrow=narrow, now=now)
        return [c.pk for c in rows], len(ctx)

    assert newest(10) == ([made[1].pk, made[3].pk, made[10].pk, made[400].pk], 3)
    assert newest(2) == ([made[1].pk, made[3].pk], 1)  # a full page from the first window: one query
    assert newest(3) == ([made[1].pk, made[3].pk, made[10].pk], 2)


def test_windows_start_at_the_cursor(city, category):
    now = timezone.now()
    made = [ComplaintFactory(unit=city, category=category, received_at=now - timedelta(days=age))
            for age in (0, 100, 101, 500)]
    position = (made[1].received_at, made[1].pk)
    with CaptureQueriesContext(connection) as ctx:
        rows = fetch(Complaint.objects.all(), NEWEST_FIRST, position=position, limit=1, windows=WINDOWS, now=now)
    assert [c.pk for c in rows] == [made[2].pk] and len(ctx) == 1  # day 101 is within 7 days of the cursor
