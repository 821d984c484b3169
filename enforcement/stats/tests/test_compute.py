"""The platform's tallies: stored per grain by grouped queries, idempotent and safe to run concurrently,
read with units rolled up the tree as it is now, categories up to their families, rates from counts."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from complaints.choices import Channel, ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.stats import query, read
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period
from enforcement.stats.models import Grain, MonthlyTally, TallyMonth

MARCH = Period.of(2026, 3)
TZ = timezone.get_default_timezone()


def at(day, hour=10, minute=0):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def families(db):
    vending = ViolationCategoryFactory(code="A", name="市容", name_en="City appearance", sort_order=1)
    stall = ViolationCategoryFactory(code="A1", name="占道经营", parent=vending)
    sign = ViolationCategoryFactory(code="A2", name="户外广告", parent=vending)
    building = ViolationCategoryFactory(code="B", name="违建", sort_order=2)
    return vending, stall, sign, building


@pytest.fixture
def march(test_source, squad_a, squad_b, district_a, families):
    _, stall, sign, building = families
    ComplaintFactory(unit=squad_a, category=stall, received_at=at(1), status=ComplaintStatus.CLOSED)
    ComplaintFactory(unit=squad_a, category=sign, received_at=at(2), status=ComplaintStatus.CLOSED)
    ComplaintFactory(unit=squad_a, category=stall, received_at=at(3), channel=Channel.WEB, extended_days=3)
    ComplaintFactory(unit=district_a, category=building, received_at=at(4), status=ComplaintStatus.CLOSED)
    ComplaintFactory(unit=squad_b, category=building, received_at=at(5))
    # Local midnight decides the month: 23:59 on 31 March is March, 00:00 on 1 April is April, whatever UTC says.
    ComplaintFactory(unit=squad_b, category=building, received_at=at(31, 23, 59))
    ComplaintFactory(
        unit=squad_b, category=building, received_at=datetime.datetime(2026, 4, 1, tzinfo=TZ), status="closed"
    )
    ComplaintFactory(
        unit=squad_b, category=building, received_at=datetime.datetime(2026, 2, 28, 23, 59, tzinfo=TZ)
    )
    recompute(MARCH)


def rows_of(month):
    return sorted(
        MonthlyTally.objects.filter(month=month.first_day).values_list(
            "grain", "unit_id", "category_id", "channel", "measure", "value"
        ),
        key=str,
    )


def test_month_bounds_are_local(march, city):
    figures = read.totals(city, MARCH)
    assert figures["t_received"] == 6
    assert figures["t_closed"] == 3
    april = Period.of(2026, 4)
    assert read.totals(city, april) == {}  # not computed yet
    recompute(april)
    assert read.totals(city, april) == {"t_received": 1, "t_closed": 1, "t_units": 1}


def test_grains_are_stored_apart(march, squad_a):
    unit_rows = MonthlyTally.objects.filter(grain=Grain.UNIT, unit=squad_a)
    assert {(r.measure, r.value) for r in unit_rows} == {
        ("t_received", 3),
        ("t_closed", 2),
        ("t_extended", Decimal("3.00")),
        ("t_units", 3),
    }
    channel_rows = MonthlyTally.objects.filter(grain=Grain.CHANNEL, unit=squad_a, measure="t_received")
    assert {(r.channel, r.value) for r in channel_rows} == {(Channel.HOTLINE_12345, 2), (Channel.WEB, 1)}
    # A sum measure not declared by channel is not stored by channel.
    assert not MonthlyTally.objects.filter(grain=Grain.CHANNEL, measure="t_extended").exists()
    # Zeros are not stored: a missing row reads as 0.
    assert not MonthlyTally.objects.filter(value=0).exists()


def test_units_roll_up_and_rates_come_from_counts(march, city, district_a, squad_a):
    report = read.report(city, MARCH, group_by=read.GroupBy.UNIT)
    by_key = {row.key: row for row in report.rows}
    district = by_key[district_a.path]
    assert district.figures["t_received"] == 4  # squadron A1's 3 and the district's own 1
    assert district.rates["t_completion"] == Decimal("75.0")
    assert report.total.figures["t_received"] == 6
    assert report.total.rates["t_completion"] == Decimal("50.0")
    # A rate of the district is its counts' rate, not the mean of its units' rates (66.7 % and 100 %).
    inner = read.report(district_a, MARCH, group_by=read.GroupBy.UNIT)
    labels = [row.label for row in inner.rows]
    assert labels[0] == "District A (own records)"
    assert [row.rates["t_completion"] for row in inner.rows] == [Decimal("100.0"), Decimal("66.7")]
    assert inner.total.rates["t_completion"] == Decimal("75.0")


def test_a_rate_of_nothing_is_none_not_zero(test_source, city, db):
    report = read.report(city, MARCH)
    assert report.total.rates["t_completion"] is None
    assert report.total.value("t_received") == 0


def test_categories_roll_up_to_their_family(march, city, families):
    vending, _, _, building = families
    report = read.report(city, MARCH, group_by=read.GroupBy.CATEGORY)
    assert [(row.key, row.figures.get("t_received")) for row in report.rows] == [
        (vending.pk, 3),
        (building.pk, 3),
        (None, None),  # the tally without categories
    ]
    assert report.rows[0].label == "City appearance"


def test_channels_are_labelled_by_the_source(march, city):
    report = read.report(city, MARCH, group_by=read.GroupBy.CHANNEL)
    assert {row.label: row.figures["t_received"] for row in report.rows} == {"12345 hotline": 5, "Web": 1}


def test_a_unit_moved_takes_its_history(march, city, district_a, district_b, squad_a):
    squad_a.parent = district_b
    squad_a.save()
    assert read.totals(district_b, MARCH)["t_received"] == 6 - 1  # B's 2 and A1's 3
    assert read.totals(district_a, MARCH)["t_received"] == 1


def test_the_subtrees_stored_sums_equal_their_units_rows(march, city, district_a, district_b, squad_a):
    """Every unit's totals and categories, read from its subtree's stored sums (the tree grains), equal the
    sums of the unit and category rows of every unit of its subtree."""
    from django.db.models import Sum

    from enforcement.org.models import OrgUnit
    from enforcement.stats.models import Grain, MonthlyTally

    assert MonthlyTally.objects.filter(grain=Grain.TREE, unit=city).exists()
    assert not MonthlyTally.objects.filter(grain__in=[Grain.TREE, Grain.TREE_CATEGORY], unit=squad_a).exists()
    for unit in OrgUnit.objects.all():
        ids = OrgUnit.objects.subtree(unit).values_list("id", flat=True)
        rows = MonthlyTally.objects.filter(month=MARCH.first_day, unit_id__in=ids)
        by_unit = dict(rows.filter(grain=Grain.UNIT).values_list("measure").annotate(Sum("value")))
        assert read.totals(unit, MARCH) == by_unit, unit
        by_category = {
            (row["category_id"], row["measure"]): row["total"]
            for row in rows.filter(grain=Grain.CATEGORY)
            .values("category_id", "measure")
            .annotate(total=Sum("value"))
        }
        found = read.figures_by(unit, MARCH, MARCH, read.GroupBy.CATEGORY)
        assert {(key, slug): value for key, f in found.items() for slug, value in f.items()} == by_category


def test_a_squadron_given_a_sub_unit_keeps_its_own_figures(march, squad_a):
    from enforcement.org.tests.factories import OrgUnitFactory

    before = read.totals(squad_a, MARCH)
    below = OrgUnitFactory(code="squad-a1-x", name="甲区一中队一组", name_en="Team A1-1", parent=squad_a)
    squad_a.refresh_from_db()
    assert read.totals(squad_a, MARCH) == before  # its own records, now read from its subtree's sums
    ComplaintFactory(unit=below, received_at=at(12))
    recompute(MARCH)
    assert read.totals(squad_a, MARCH)["t_received"] == before["t_received"] + 1
    by_unit = read.report(squad_a, MARCH, group_by=read.GroupBy.UNIT)
    assert [row.figures.get("t_received") for row in by_unit.rows] == [before["t_received"], 1]


def test_recompute_is_idempotent_and_follows_the_records(march, squad_a):
    first = rows_of(MARCH)
    month = recompute(MARCH)
    assert rows_of(MARCH) == first
    assert month.rows == len(first)
    assert TallyMonth.objects.filter(month=MARCH.first_day).count() == 1
    ComplaintFactory(unit=squad_a, received_at=at(10))
    recompute(MARCH)
    assert read.totals(squad_a, MARCH)["t_received"] == 4


def test_a_tally_without_categories_is_stored_as_uncategorised(march, squad_a):
    report = read.report(squad_a, MARCH, group_by=read.GroupBy.CATEGORY)
    assert report.rows[-1].key is None
    assert report.rows[-1].label == "No category"
    assert report.rows[-1].figures == {"t_units": 3}
    assert report.total.figures["t_units"] == 3


def test_comparisons(test_source, squad_a, families):
    stall = families[1]
    for day in (1, 2, 3, 4):
        ComplaintFactory(unit=squad_a, category=stall, received_at=at(day))
    for day in (1, 2):
        ComplaintFactory(unit=squad_a, category=stall, received_at=datetime.datetime(2026, 2, day, tzinfo=TZ))
    ComplaintFactory(unit=squad_a, category=stall, received_at=datetime.datetime(2025, 3, 9, tzinfo=TZ))
    for period in (Period.of(2025, 3), Period.of(2026, 2), MARCH):
        recompute(period)
    found = {c.column.slug: c for c in read.comparisons(squad_a, MARCH)}
    received = found["t_received"]
    assert (received.value, received.previous, received.last_year, received.year_to_date) == (4, 2, 1, 6)
    assert received.month_on_month == Decimal("100.0")
    assert received.year_on_year == Decimal("300.0")
    assert received.daily == Decimal("0.1")  # 4 in 31 days
    assert found["t_completion"].value == Decimal("0.0")  # none of the 4 closed: 0 %, not "no rate"


@pytest.mark.django_db(transaction=True)
def test_concurrent_recomputes_leave_one_set_of_rows(test_source, squad_a, families):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite has one writer)")
    for day in range(1, 21):
        ComplaintFactory(unit=squad_a, category=families[1], received_at=at(day))
    errors = []
    start = threading.Barrier(4)

    def run():
        try:
            start.wait()
            recompute(MARCH)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert MonthlyTally.objects.filter(grain=Grain.UNIT, measure="t_received").count() == 1
    assert read.totals(squad_a, MARCH)["t_received"] == 20


def test_each_person_responsible_for_their_own_leaders(test_source, squad_a, district_a, make_user, families):
    alice = make_user("officer", unit=squad_a, full_name="李爱丽")
    bob = make_user("officer", unit=squad_a, full_name="王博")
    for handler, status in (
        (alice, "closed"),
        (alice, "closed"),
        (bob, "closed"),
        (bob, "accepted"),
        (None, "closed"),
    ):
        ComplaintFactory(
            unit=squad_a, category=families[1], received_at=at(7), handler=handler, status=status
        )
    recompute(MARCH)
    report = read.report(district_a, MARCH, group_by=read.GroupBy.PERSON, slugs=["t_closed"])
    assert [(row.label, row.figures.get("t_closed")) for row in report.rows] == [
        ("李爱丽 (Squadron A1)", 2),
        ("王博 (Squadron A1)", 1),
    ]
    # Only the measures declared by person are stored by person.
    assert set(MonthlyTally.objects.filter(grain=Grain.PERSON).values_list("measure", flat=True)) == {
        "t_closed"
    }
    leader = make_user("squad_leader", unit=district_a)
    assert query.parse({"group_by": "person"}, leader).group_by == "person"
    with pytest.raises(PermissionDenied, match="their own leaders"):
        query.parse({"group_by": "person"}, alice)


@pytest.mark.parametrize(
    "params", [{"year": "9999", "month": "12"}, {"year": "2026", "month": "13"}, {"from": "2026-13"}]
)
def test_a_month_out_of_range_is_a_message_not_a_crash(test_source, city_admin, params):
    with pytest.raises(ValidationError) as raised:
        query.parse(params, city_admin)
    assert "month" in str(raised.value.message_dict) or "from" in raised.value.message_dict
