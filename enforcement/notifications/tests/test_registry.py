"""What a deadline kind declares (registry.py): its live statuses, the moment that says the deadline was
met and the on-time answer built on it, and the start-up check of its field names. On the test-only
inspection (tests/testapp/deadlines.py)."""

import dataclasses
from datetime import timedelta

import pytest
from django.db.models import Q

from enforcement.notifications import registry
from enforcement.notifications.checks import deadline_kinds_name_real_fields
from tests.testapp.deadlines import INSPECTION_BOOKING, INSPECTION_VISIT
from tests.testapp.models import Inspection

from .conftest import end_of, local

pytestmark = pytest.mark.django_db

STATUSES = ["open", "booked", "in_progress", "visited", "closed"]


# --- live statuses -------------------------------------------------------------------------------------
def test_live_statuses_select_the_rows_a_status_filter_selects(make_inspection):
    for status in STATUSES:
        make_inspection(end_of(2026, 11, 20), status=status)
        make_inspection(None, status=status)  # no deadline of this kind: never swept
    assert INSPECTION_VISIT.live_filter == Q(status__in=frozenset({"booked", "in_progress"}))
    expected = Inspection.objects.filter(status__in=["booked", "in_progress"], visit_due_at__isnull=False)
    assert set(INSPECTION_VISIT.live_queryset()) == set(expected)
    assert sorted(INSPECTION_VISIT.live_queryset().values_list("status", flat=True)) == [
        "booked",
        "in_progress",
    ]


def test_the_status_field_is_the_kinds_to_name(make_inspection):
    """A model whose status lives in another field says so (`status_field`)."""
    by_title = dataclasses.replace(INSPECTION_VISIT, status_field="title", live_statuses={"watched"})
    watched = make_inspection(end_of(2026, 11, 20), status="closed", title="watched")
    make_inspection(end_of(2026, 11, 20), status="in_progress", title="other")
    assert list(by_title.live_queryset()) == [watched]


def test_a_kind_without_live_statuses_is_refused():
    with pytest.raises(ValueError, match="no live status"):
        dataclasses.replace(INSPECTION_VISIT, live_statuses=set())


# --- met on time: the due moment itself is on time, a second later is late --------------------------------
@pytest.mark.parametrize(
    ("met_after_due", "on_time"),
    [
        (timedelta(days=-1), True),
        (timedelta(0), True),
        (timedelta(seconds=1), False),
        (None, None),
    ],
)
def test_met_on_time_at_its_edge(make_inspection, met_after_due, on_time):
    due = local(2026, 11, 20, 17, 30)
    met = None if met_after_due is None else due + met_after_due
    inspection = make_inspection(due, status="visited", visited_at=met)
    assert INSPECTION_VISIT.met_on_time(inspection) is on_time
    # The database answers the same (the statistics count in SQL).
    annotated = INSPECTION_VISIT.with_met_on_time().get(pk=inspection.pk)
    assert annotated.met_on_time is on_time
    on_time_rows = Inspection.objects.filter(INSPECTION_VISIT.met_on_time_q())
    late_rows = Inspection.objects.filter(INSPECTION_VISIT.met_late_q())
    assert (inspection in on_time_rows, inspection in late_rows) == (on_time is True, on_time is False)


def test_met_on_time_reads_the_kinds_own_fields(make_inspection):
    """Booked in time, visited late: each kind compares its own met moment with its own due moment."""
    inspection = make_inspection(
        local(2026, 11, 20, 12),
        status="visited",
        visited_at=local(2026, 11, 20, 12, 0, 1),
        book_due_at=local(2026, 11, 18, 12),
        booked_at=local(2026, 11, 18, 12),
    )
    assert (INSPECTION_BOOKING.met_on_time(inspection), INSPECTION_VISIT.met_on_time(inspection)) == (
        True,
        False,
    )
    rows = INSPECTION_VISIT.with_met_on_time(
        Inspection.objects.filter(pk=inspection.pk), name="visit_on_time"
    )
    assert rows.values_list("visit_on_time", flat=True).get() is False


def test_without_a_deadline_there_is_no_on_time_answer(make_inspection):
    inspection = make_inspection(None, status="visited", visited_at=local(2026, 11, 20, 12))
    assert INSPECTION_VISIT.met_on_time(inspection) is None
    assert INSPECTION_VISIT.with_met_on_time().get(pk=inspection.pk).met_on_time is None


# --- the start-up check ------------------------------------------------------------------------------------
def test_a_kind_naming_a_missing_field_fails_the_system_check(monkeypatch):
    assert deadline_kinds_name_real_fields(None) == []
    misspelt = dataclasses.replace(
        INSPECTION_VISIT, slug="misspelt", met_field="visted_at", recipients="tests.testapp.deadlines.nobody"
    )
    monkeypatch.setitem(registry._kinds, "misspelt", misspelt)
    errors = deadline_kinds_name_real_fields(None)
    assert [e.id for e in errors] == ["notifications.E002", "notifications.E002"]
    assert "'visted_at'" in errors[0].msg
    assert "recipients hook" in errors[1].msg
