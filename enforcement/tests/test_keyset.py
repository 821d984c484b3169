"""Keyset pagination (enforcement/keyset.py) on the test-only `Entry` list: the platform's tests never use a
domain app. The complaint list's own pages and query counts are tested in complaints/tests/test_api.py and
test_views.py."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory

from enforcement.keyset import KeysetPagination, Ordering, Orderings, fetch, paginate
from tests.testapp.models import Entry

pytestmark = pytest.mark.django_db
NEWEST_FIRST = Ordering("received_at", descending=True)
WINDOWS = (timedelta(days=7), timedelta(days=365))


def test_windows_go_back_in_time_and_narrow_only_the_older_ones():
    now = timezone.now()
    made = {
        age: Entry.objects.create(
            received_at=now - timedelta(days=age), word="a" if age in (1, 10, 400) else "b"
        )
        for age in (1, 3, 10, 40, 400, 800)
    }
    # A `narrow` that is deliberately not equivalent, to show where it applies: not in the first window.
    narrow = Q(word="a")

    def newest(limit):
        with CaptureQueriesContext(connection) as ctx:
            rows = fetch(
                Entry.objects.all(), NEWEST_FIRST, limit=limit, windows=WINDOWS, narrow=narrow, now=now
            )
        return [e.pk for e in rows], len(ctx)

    assert newest(10) == ([made[1].pk, made[3].pk, made[10].pk, made[400].pk], 3)
    assert newest(2) == ([made[1].pk, made[3].pk], 1)  # a full page from the first window: one query
    assert newest(3) == ([made[1].pk, made[3].pk, made[10].pk], 2)


def test_windows_start_at_the_cursor():
    now = timezone.now()
    made = [Entry.objects.create(received_at=now - timedelta(days=age)) for age in (0, 100, 101, 500)]
    position = (made[1].received_at, made[1].pk)
    with CaptureQueriesContext(connection) as ctx:
        rows = fetch(Entry.objects.all(), NEWEST_FIRST, position=position, limit=1, windows=WINDOWS, now=now)
    assert [e.pk for e in rows] == [made[2].pk] and len(ctx) == 1  # day 101 is within 7 days of the cursor


def test_a_nullable_column_puts_its_nulls_last_both_ways():
    now = timezone.now()
    dated = [Entry.objects.create(received_at=now, due_at=now + timedelta(days=d)) for d in (3, 1, 2)]
    undated = [Entry.objects.create(received_at=now) for _ in range(2)]
    soonest = Ordering("due_at", descending=False, nullable=True)
    expected = [dated[1].pk, dated[2].pk, dated[0].pk, undated[0].pk, undated[1].pk]
    seen, cursor, pages = [], None, []
    while True:
        page = paginate(Entry.objects.all(), soonest, cursor=cursor, page_size=2)
        pages.append(page)
        seen.extend(e.pk for e in page.rows)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected and pages[0].count == 5 and not pages[0].count_capped
    back = paginate(Entry.objects.all(), soonest, cursor=pages[-1].previous_cursor, page_size=2)
    assert [e.pk for e in back.rows] == expected[2:4]


def test_orderings_fall_back_to_their_default():
    oldest = Ordering("received_at", descending=False)
    orderings = Orderings({"new": ("Newest", NEWEST_FIRST), "old": ("Oldest", oldest)}, default="new")
    assert [orderings.key_for(value) for value in ("old", "nonsense", None)] == ["old", "new", "new"]
    assert orderings.get("") is NEWEST_FIRST
    assert orderings.labels() == [("new", "Newest"), ("old", "Oldest")]
    with pytest.raises(ValueError):
        Orderings({"new": ("Newest", NEWEST_FIRST)}, default="old")


# --- the API face: a view declares its orderings -------------------------------------------------------
class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = ["id", "word"]


class EntryList(generics.ListAPIView):
    queryset = Entry.objects.all()
    serializer_class = EntrySerializer
    permission_classes = [AllowAny]
    pagination_class = KeysetPagination
    orderings = Orderings(
        {
            "-received_at": ("Newest first", NEWEST_FIRST),
            "received_at": ("Oldest first", Ordering("received_at", descending=False)),
        },
        default="-received_at",
    )

    def keyset_options(self, request, ordering, queryset):
        return {"count": False} if request.query_params.get("q") else {}


def get(**params):
    return EntryList.as_view()(APIRequestFactory().get("/entries/", params)).data


def test_the_view_s_orderings_pick_the_order_and_the_links_walk_it():
    now = timezone.now()
    made = [Entry.objects.create(word=str(n), received_at=now - timedelta(hours=n)) for n in range(5)]
    first = get(page_size=2)
    assert [row["id"] for row in first["results"]] == [made[0].pk, made[1].pk]
    assert (first["count"], first["count_capped"], first["previous"]) == (5, False, None)
    cursor = first["next"].split("cursor=")[1].split("&")[0]
    second = get(page_size=2, cursor=cursor)
    assert [row["id"] for row in second["results"]] == [made[2].pk, made[3].pk]
    oldest = get(ordering="received_at", page_size=2)
    assert [row["id"] for row in oldest["results"]] == [made[4].pk, made[3].pk]
    assert get(ordering="word", page_size=2)["results"] == first["results"]  # unknown: the default
    uncounted = get(page_size=2, q="x")  # the view's options reach paginate
    assert uncounted["count"] is None and len(uncounted["results"]) == 2


def test_the_schema_lists_the_view_s_orderings():
    parameters = KeysetPagination().get_schema_operation_parameters(EntryList())
    ordering = next(p for p in parameters if p["name"] == "ordering")
    assert ordering["schema"]["enum"] == ["-received_at", "received_at"]
    assert ordering["schema"]["default"] == "-received_at"
