"""The benchmark's data generator at a tiny scale, so it cannot rot while the schema moves on. (The benchmark
itself, 2 million complaints, is run by hand: bench/README.md.)"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from bench.generate import DISTRICTS, GRIDS_PER_SQUADRON, SQUADRONS_PER_DISTRICT, generate
from complaints import policies
from complaints.choices import OPEN_STATUSES, ComplaintStatus
from complaints.models import NUMBER_SCOPE, Complaint
from enforcement.audit.models import AuditEvent
from enforcement.documents.models import NumberCounter
from enforcement.org.models import Grid, OrgUnit, User

S = ComplaintStatus
END = dt.datetime(2026, 11, 20, 18, 0, tzinfo=timezone.get_default_timezone())
START = END - dt.timedelta(days=round(365.25 * 3))


def _indexes():
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename IN ('complaints_complaint', "
            "'audit_auditevent') ORDER BY indexname"
        )
        definitions = [row[0] for row in cursor.fetchall()]
        # ... and the statistics targets set on index columns (the search's bigram index has one).
        cursor.execute(
            "SELECT i.relname, a.attnum, a.attstattarget FROM pg_attribute a JOIN pg_class i "
            "ON i.oid = a.attrelid JOIN pg_index x ON x.indexrelid = i.oid WHERE x.indrelid IN "
            "('complaints_complaint'::regclass, 'audit_auditevent'::regclass) AND a.attstattarget >= 0 "
            "ORDER BY 1, 2"
        )
        return definitions, cursor.fetchall()


def test_generator_loads_a_consistent_city_and_is_deterministic(db):
    indexes_before = _indexes()
    if indexes_before:
        assert ("complaint_search_bigrams", 1, 1000) in indexes_before[1]
    summary = generate(2000, seed=7, end=END, fast=True, log=None)  # fast: the path the 2 M load takes

    assert _indexes() == indexes_before  # dropped for the load, recreated exactly
    squadrons = DISTRICTS * SQUADRONS_PER_DISTRICT
    assert OrgUnit.objects.count() == summary.units == 1 + DISTRICTS + squadrons
    assert Grid.objects.count() == squadrons * GRIDS_PER_SQUADRON
    assert User.objects.filter(role_assignments__isnull=True).count() == 0
    assert User.objects.get(username=summary.users["district_intake"]).check_password(
        summary.users["password"]
    )

    complaints = list(Complaint.objects.select_related("unit", "grid__unit", "merged_into", "intake_unit"))
    assert len(complaints) == summary.complaints == 2000
    by_status = dict(Complaint.objects.values_list("status").annotate(n=Count("id")))
    assert by_status == summary.by_status
    assert by_status[S.CLOSED] > 1600 and 0 < sum(by_status.get(s, 0) for s in OPEN_STATUSES) < 200
    counters = NumberCounter.objects.filter(scope=NUMBER_SCOPE, unit__isnull=True)
    assert sum(counters.values_list("last", flat=True)) == 2000
    tz = timezone.get_default_timezone()
    for c in complaints:
        assert c.number[2:10] == f"{timezone.localtime(c.received_at, tz):%Y%m%d}"
        assert START <= c.received_at <= END
        assert c.due_at == c.live_due_at(), c.number  # the contract: due_at is the live due moment
        assert c.accept_due_at is not None and c.accept_due_at > c.received_at
        # The generator's deadlines are the channel policies' (it memoises them for speed, not its own rules).
        assert c.accept_due_at == policies.accept_due(c), c.number
        assert c.grid.min_lat <= c.lat <= c.grid.max_lat and c.grid.min_lng <= c.lng <= c.grid.max_lng
        assert c.grid.unit.path.startswith(c.unit.path)  # the point lies in the responsible unit's area
        assert c.unit.path.startswith(c.intake_unit.path)
        if c.status in (S.CLOSED, S.REJECTED, S.MERGED):
            assert c.closed_at is not None and c.closed_at >= c.received_at
        if c.status in (S.REPLIED, S.VISITED, S.CLOSED) and not c.on_the_spot:
            assert c.replied_at and c.reply_text and c.replied_by_id and c.visit_due_at > c.replied_at
        if c.status == S.MERGED:
            assert c.merged_into.pk < c.pk and c.merged_into.category_id == c.category_id
        if c.is_anonymous:
            assert not (c.complainant_name or c.complainant_phone)

    events = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Complaint))
    assert events.count() == summary.events
    assert events.filter(action="create").values("object_id").distinct().count() == 2000
    assert not events.filter(at__gt=END).exists()
    # Nothing dangles (the fast path loads with foreign-key triggers off).
    assert not Complaint.objects.exclude(received_by__in=User.objects.all()).exists()
    assert not Complaint.objects.exclude(unit__in=OrgUnit.objects.all()).exists()
    assert (
        not Complaint.objects.filter(handler__isnull=False).exclude(handler__in=User.objects.all()).exists()
    )
    assert not events.exclude(actor__in=User.objects.all()).exists()

    again = generate(2000, seed=7, end=END, fast=True, log=None)
    assert again.digest == summary.digest
