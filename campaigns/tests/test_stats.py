"""The campaigns' statistics source: field measures summed from the logs by the day of the work and the
log's unit, a cancelled campaign's logs left out, the items' notices, rectifications and escalations each
counted on its own day, rolled up from squadrons to their district."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns import services, stats
from campaigns.measures import MEASURES
from campaigns.models import FieldLogValue, RectificationItem
from cases.tests.factories import CaseFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.stats import measures as stats_measures
from enforcement.stats import read
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period, Unit

from .conftest import plan

MARCH, APRIL = Period.of(2026, 3), Period.of(2026, 4)
TZ = timezone.get_default_timezone()


def day(month, dd):
    return datetime.date(2026, month, dd)


def at(month, dd, hour=10, minute=0):
    return datetime.datetime(2026, month, dd, hour, minute, tzinfo=TZ)


@pytest.fixture
def only_campaigns(monkeypatch):
    """Only this source counts while the test runs (other apps' sources are tested on their own)."""
    monkeypatch.setattr(stats_measures, "_sources", {})
    stats_measures.register(stats.SOURCE)


@pytest.fixture
def campaign(crew, squadrons):
    """An "other" campaign (every measure may be logged) of district A's two squadrons, March and April."""
    planned = plan(crew, squadrons, kind="other", starts_on=day(3, 1), ends_on=day(4, 30))
    return services.start(planned, by=crew["leader"])


def log(campaign, crew, officer, unit, on, **values):
    return services.log_field_work(campaign, by=crew[officer], unit=unit, day=on, values=values)


def item(campaign, crew, unit, status, **fields):
    return RectificationItem.objects.create(
        campaign=campaign,
        unit=unit,
        kind="stall",
        status=status,
        description="占道摆卖水果",
        address="祖庙路1号",
        found_on=day(2, 20),
        found_by=crew["officer1"],
        **fields,
    )


@pytest.fixture
def stall(db):
    return ViolationCategoryFactory(code="S1", name="占道经营", name_en="Street vending")


@pytest.fixture
def march(only_campaigns, campaign, crew, squadrons, stall):
    first, second = squadrons
    log(campaign, crew, "officer1", first, day(3, 2), persuasion=5, seized_vehicles=2, demolished_area="12.5")
    log(campaign, crew, "officer1", first, day(3, 31), persuasion=3)  # the month's last day: March
    log(campaign, crew, "officer1", first, day(4, 1), persuasion=7)  # the next month's first: April
    log(campaign, crew, "officer2", second, day(3, 15), persuasion=4, seized_goods=10, demolished_area="3.25")

    called_off = services.start(
        plan(crew, squadrons, starts_on=day(3, 1), ends_on=day(3, 31)), by=crew["leader"]
    )
    log(called_off, crew, "officer1", first, day(3, 10), persuasion=100, seized_vehicles=50)
    services.cancel(called_off, by=crew["leader"], reason="合并到全区专项整治")
    item(called_off, crew, second, "noticed", noticed_at=at(3, 12))  # a notice issued stands: counted

    # Items: the notice at 23:30 on 31 March is March; at 00:30 on 1 April (still 31 March in UTC) April.
    item(
        campaign,
        crew,
        first,
        "rectified",
        category=stall,
        noticed_at=at(3, 31, 23, 30),
        rechecked_on=day(4, 1),
        recheck_result="rectified",
    )
    item(
        campaign,
        crew,
        first,
        "rectified",
        category=stall,
        noticed_at=at(3, 5),
        rechecked_on=day(3, 10),
        recheck_result="rectified",
    )
    item(
        campaign,
        crew,
        second,
        "escalated",
        noticed_at=at(2, 28, 23, 59),
        rechecked_on=day(3, 3),
        recheck_result="not_rectified",
        escalated_at=at(3, 20),
        case=CaseFactory(unit=second),
    )
    item(
        campaign,
        crew,
        second,
        "not_rectified",
        noticed_at=at(4, 1, 0, 30),
        rechecked_on=day(3, 25),
        recheck_result="not_rectified",
    )
    recompute(MARCH)
    recompute(APRIL)


def test_field_measures_are_summed_by_the_day_of_the_work(march, district_a):
    figures = read.totals(district_a, MARCH)
    assert figures["campaign_persuasion"] == 5 + 3 + 4  # not April's 7, not the cancelled campaign's 100
    assert figures["campaign_seized_vehicles"] == 2
    assert figures["campaign_seized_goods"] == 10
    assert figures["campaign_demolished_area"] == Decimal("15.75")
    assert figures["campaign_field_logs"] == 3
    assert "campaign_posters_cleaned" not in figures  # nothing logged: no row, read as 0
    april = read.totals(district_a, APRIL)
    assert april["campaign_persuasion"] == 7
    assert april["campaign_field_logs"] == 1


def test_items_count_on_the_day_of_each_step(march, district_a):
    figures = read.totals(district_a, MARCH)
    # 31 March 23:30, 5 March and the cancelled campaign's 12 March; not 28 Feb, not 1 April 00:30
    assert figures["rectifications_issued"] == 3
    assert figures["rectifications_rectified"] == 1  # re-checked 10 March; the 1 April re-check is April's
    assert figures["rectifications_escalated"] == 1  # escalated 20 March, noticed in February
    april = read.totals(district_a, APRIL)
    assert april["rectifications_issued"] == 1
    assert april["rectifications_rectified"] == 1
    assert "rectifications_escalated" not in april


def test_a_district_sums_its_squadrons(march, district_a, squadrons):
    first, second = squadrons
    report = read.report(district_a, MARCH, group_by="unit", families=["campaigns"])
    rows = {row.key: row for row in report.rows}
    assert set(rows) == {first.path, second.path}
    assert rows[first.path].value("campaign_persuasion") == 8
    assert rows[first.path].value("campaign_field_logs") == 2
    assert rows[first.path].value("rectifications_issued") == 2
    assert rows[second.path].value("campaign_persuasion") == 4
    assert rows[second.path].value("rectifications_escalated") == 1
    assert rows[second.path].value("rectifications_issued") == 1
    assert (
        report.total.value("campaign_persuasion")
        == 12
        == sum(r.value("campaign_persuasion") for r in rows.values())
    )
    assert report.total.value("campaign_demolished_area") == Decimal("15.75")
    assert read.totals(first, MARCH)["campaign_demolished_area"] == Decimal("12.5")


def test_logs_are_uncategorised_and_items_by_their_category(march, district_a, stall):
    report = read.report(district_a, MARCH, group_by="category", families=["campaigns"])
    rows = {row.key: row for row in report.rows}
    assert set(rows) == {None, stall.pk}
    assert rows[None].value("campaign_persuasion") == 12
    assert rows[None].value("rectifications_escalated") == 1  # found without a category
    assert rows[stall.pk].value("rectifications_issued") == 2
    assert rows[None].value("rectifications_issued") == 1
    assert rows[stall.pk].value("campaign_persuasion") == 0


def test_changed_names_the_logs_added_or_cancelled_since(only_campaigns, campaign, crew, squadrons):
    first, second = squadrons
    unit_ids = [first.pk, second.pk]
    before = log(campaign, crew, "officer1", first, day(3, 2), persuasion=1)
    other = services.start(plan(crew, squadrons, starts_on=day(3, 1), ends_on=day(3, 31)), by=crew["leader"])
    dropped = log(other, crew, "officer2", second, day(3, 9), persuasion=2)
    since = timezone.now()
    assert list(stats.changed(MARCH, unit_ids, since)) == []

    added = log(campaign, crew, "officer2", second, day(3, 30), persuasion=1)  # a late log for March
    log(campaign, crew, "officer1", first, day(4, 1), persuasion=1)  # April's
    services.cancel(other, by=crew["leader"], reason="重复计划")
    found = list(stats.changed(MARCH, unit_ids, since))
    assert found == [dropped, added]
    assert before not in found
    assert list(stats.changed(MARCH, [first.pk], since)) == []


def test_changed_logs_need_no_further_query(
    only_campaigns, campaign, crew, squadrons, django_assert_num_queries
):
    first, _ = squadrons
    since = timezone.now() - datetime.timedelta(minutes=1)
    log(campaign, crew, "officer1", first, day(3, 2), persuasion=1)
    with django_assert_num_queries(1):
        shown = [(str(found), found.get_absolute_url()) for found in stats.changed(MARCH, [first.pk], since)]
    assert len(shown) == 1


def test_watched_records_name_the_months_they_count_in(campaign, crew, squadrons):
    first, _ = squadrons
    watch = dict(stats.SOURCE.watch)
    entry = log(campaign, crew, "officer1", first, day(3, 31), persuasion=1)
    assert watch[type(entry)](entry) == [day(3, 31)]
    assert watch[FieldLogValue](entry.values.get()) == [day(3, 31)]
    escalated = item(
        campaign,
        crew,
        first,
        "escalated",
        noticed_at=at(4, 1, 0, 30),
        rechecked_on=day(5, 6),
        escalated_at=at(6, 2),
        case=CaseFactory(unit=first),
    )
    assert watch[RectificationItem](escalated) == [day(4, 1), day(5, 6), day(6, 2)]
    assert watch[type(campaign)](campaign) == []  # under way: its logs count as they are
    cancelled = services.cancel(campaign, by=crew["leader"], reason="取消")
    assert watch[type(campaign)](cancelled) == [day(3, 1), day(4, 1)]


def test_the_source_is_registered_from_the_app(db):
    persuasion = stats_measures.get("campaign_persuasion")
    assert persuasion.family == "campaigns" and persuasion.unit == Unit.COUNT
    assert "cancelled" in str(persuasion.definition)
    assert stats_measures.get("campaign_demolished_area").unit == Unit.SQUARE_METRES
    assert stats_measures.get("rectifications_escalated").label == "Items escalated to a case"
    assert (
        len([m for m in stats_measures.all_measures() if m.slug.startswith("campaign_")]) == len(MEASURES) + 1
    )


def test_the_annual_summary_writes_each_field_measure_with_what_it_counts(
    campaign, crew, squadrons, district_a
):
    """ "出动人次477人次": a count of a field measure is followed by its own unit of measure in the summary."""
    from django.utils import translation

    from enforcement.stats import summary

    first, _second = squadrons
    log(campaign, crew, "officer1", first, day(3, 2), person_times=470, demolished_area="12.5")
    log(campaign, crew, "officer1", first, day(3, 9), person_times=7)
    recompute(MARCH)
    text = "\n".join(summary.write(district_a, 2026, MARCH).paragraphs)
    assert "Officers deployed 477 person-times" in text
    assert "12.5 m²" in text  # an area keeps its own unit, once
    with translation.override("zh-hans"):
        text = "\n".join(summary.write(district_a, 2026, MARCH).paragraphs)
    assert "477人次" in text
    assert "工作日志2篇" in text  # the logs, counted as what they are


def test_the_summary_counts_the_rectification_notices_and_items_as_what_they_are(
    campaign, crew, squadrons, district_a
):
    from django.utils import translation

    from enforcement.stats import summary

    first, _second = squadrons
    log(campaign, crew, "officer1", first, day(3, 2), person_times=3)
    for noticed in (3, 4):
        item(campaign, crew, first, "noticed", noticed_at=at(3, noticed))
    item(
        campaign,
        crew,
        first,
        "rectified",
        noticed_at=at(3, 5),
        rechecked_on=day(3, 10),
        recheck_result="rectified",
    )
    recompute(MARCH)
    with translation.override("zh-hans"):
        text = "\n".join(summary.write(district_a, 2026, MARCH).paragraphs)
    assert "工作日志1篇" in text and "3人次" in text
    assert "发出责令限期整改通知书3份" in text and "已整改对象1个" in text
    text = "\n".join(summary.write(district_a, 2026, MARCH).paragraphs)
    assert "Rectification notices issued 3 notices" in text
