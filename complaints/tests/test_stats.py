"""The complaints' statistics source: each measure counts the complaints received in the month (local time),
in the unit holding each now, merged duplicates left out — checked at the edge of each definition on
hand-built complaints, through the real registry, recompute and read."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcement.org.choices import UnitLevel
from enforcement.org.tests.factories import OrgUnitFactory
from enforcement.stats import measures, read
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period
from enforcement.stats.read import GroupBy

from .. import services, stats
from ..choices import Channel, ComplaintStatus, Satisfaction
from .factories import ComplaintFactory

S = ComplaintStatus
TZ = timezone.get_default_timezone()
MARCH, APRIL = Period.of(2026, 3), Period.of(2026, 4)
SLUGS = [m.slug for m in stats.MEASURES]


def at(month, day, hour=10, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


RECEIVED, DEADLINE = at(3, 10), at(3, 20, 17, 0)


@pytest.fixture
def squad_a2(district_a):
    return OrgUnitFactory(
        code="squad-a2", name="甲区二中队", name_en="Squadron A2", level=UnitLevel.SQUADRON, parent=district_a
    )


@pytest.fixture
def make(category, squad_a):
    """A complaint received in March in squadron A1 (by default), its reply due on 20 March 17:00."""

    def make(unit=squad_a, received_at=RECEIVED, **fields):
        fields.setdefault("reply_due_at", DEADLINE)
        return ComplaintFactory(unit=unit, category=category, received_at=received_at, **fields)

    return make


def closed(**fields):
    """The fields of a complaint closed after a reply and a satisfied visit."""
    values = {
        "status": S.CLOSED,
        "accepted_at": at(3, 10, 11),
        "dispatched_at": at(3, 10, 12),
        "replied_at": at(3, 15),
        "visited_at": at(3, 16),
        "closed_at": at(3, 16, 12),
        "satisfaction": Satisfaction.SATISFIED,
    }
    return values | fields


def figures(unit, period=MARCH):
    recompute(period)
    found = read.totals(unit, period)
    return {slug: int(found.get(slug, 0)) for slug in SLUGS}


def test_the_source_is_registered_from_ready():
    assert any(source is stats.SOURCE for source in measures.sources())
    assert measures.get("complaints_received").by_channel
    assert measures.get("patrol_closed").family == "patrol"
    assert measures.get("patrol_closure_rate").decimals == 2
    assert measures.channel_labels()[Channel.PATROL] == Channel.PATROL.label
    for item in [*stats.MEASURES, *stats.RATES]:
        assert str(item.label) and str(item.definition).endswith(".")


def test_received_by_local_time_of_receipt_merged_duplicates_left_out(make, squad_a):
    first = make(received_at=at(3, 1, 0, 0))
    make(received_at=at(3, 31, 23, 59))  # the month's last minute, local time (15:59 UTC): March
    make(received_at=at(4, 1, 0, 0))  # the next month's first minute: April
    make(received_at=at(2, 28, 23, 59))
    make(status=S.MERGED, merged_into=first, closed_at=at(3, 2))  # a duplicate: counted once, at `first`
    march, april = figures(squad_a), figures(squad_a, APRIL)
    assert march["complaints_received"] == 2
    assert april["complaints_received"] == 1


def test_the_unit_holding_it_now_and_its_channel(make, squad_a, squad_b, district_a, city):
    make(unit=squad_b, intake_unit=squad_a)  # dispatched from A1 to B1: B1's
    make(channel=Channel.LETTER)
    make(channel=Channel.LETTER, status=S.MERGED, merged_into=make())
    assert figures(squad_a)["complaints_received"] == 2
    assert figures(squad_b)["complaints_received"] == 1
    assert figures(city)["complaints_received"] == 3
    rows = {row.key: row for row in read.report(city, MARCH, group_by=GroupBy.CHANNEL).rows}
    assert rows[Channel.LETTER].figures["complaints_received"] == 1
    assert rows[Channel.HOTLINE_12345].figures["complaints_received"] == 2


def test_accepted_and_rejected(make, squad_a):
    make()  # received, not yet accepted
    make(status=S.ACCEPTED, accepted_at=at(3, 10, 11))
    make(status=S.REJECTED, closed_at=at(3, 10, 11), reject_reason="不属于城管职责")
    make(channel=Channel.PATROL, status=S.CLOSED, on_the_spot=True, closed_at=at(3, 10, 10, 30))
    found = figures(squad_a)
    # The patrol find is the digital city-management loop's, not a complaint from the public.
    assert (found["complaints_accepted"], found["complaints_rejected"]) == (1, 1)
    assert (found["complaints_received"], found["patrol_collected"]) == (3, 1)


def test_closed_counts_march_complaints_closed_later_and_not_reopened_ones(make, squad_a):
    make(**closed(closed_at=at(4, 3)))  # received in March, closed in April: March's
    make(**closed())
    make(**closed(received_at=at(4, 1, 9), reply_due_at=at(4, 10)))  # April's
    make(status=S.DISPATCHED, reopen_count=1, accepted_at=at(3, 10, 11), dispatched_at=at(3, 18))
    make(**closed(reopen_count=2))
    found = figures(squad_a)
    assert found["complaints_closed"] == 3
    assert found["complaints_reopened"] == 2


def test_closed_on_time_to_the_minute_and_after_an_extension(make, squad_a):
    make(**closed(replied_at=DEADLINE))  # exactly at the deadline: on time
    make(**closed(replied_at=DEADLINE + dt.timedelta(minutes=1)))  # a minute late
    extended = DEADLINE + dt.timedelta(days=3)  # an approved extension moved it
    make(**closed(replied_at=DEADLINE + dt.timedelta(days=1), reply_due_at=extended, extension_count=1))
    make(**closed(replied_at=extended + dt.timedelta(minutes=1), reply_due_at=extended, extension_count=1))
    make(  # closed without a reply (fixed at once): its closing answers the deadline
        channel=Channel.HOTLINE_BUREAU, status=S.CLOSED, on_the_spot=True, closed_at=DEADLINE
    )
    make(
        channel=Channel.HOTLINE_BUREAU,
        status=S.CLOSED,
        on_the_spot=True,
        closed_at=DEADLINE + dt.timedelta(minutes=1),
    )
    make(status=S.REPLIED, replied_at=DEADLINE)  # on time, but not closed
    found = figures(squad_a)
    assert found["complaints_closed"] == 6
    assert found["complaints_closed_on_time"] == 3
    recompute(MARCH)
    rates = read.report(squad_a, MARCH, group_by=GroupBy.NONE).total.rates
    assert rates["on_time_rate"] == Decimal("50.0")


def test_overdue_late_replies_and_passed_deadlines_as_of_now(make, squad_a):
    make(**closed(replied_at=DEADLINE + dt.timedelta(minutes=1)))  # replied late, then closed
    make(status=S.REPLIED, accepted_at=at(3, 10), replied_at=DEADLINE + dt.timedelta(days=2))  # late
    make(status=S.IN_PROGRESS, accepted_at=at(3, 10))  # no reply and the deadline (March) has passed
    make(status=S.IN_PROGRESS, accepted_at=at(3, 10), reply_due_at=timezone.now() + dt.timedelta(days=1))
    make(**closed(replied_at=DEADLINE))  # on time
    make(
        status=S.REJECTED, closed_at=DEADLINE + dt.timedelta(days=1)
    )  # a rejection answers no reply deadline
    make(
        channel=Channel.HOTLINE_BUREAU,
        status=S.CLOSED,
        on_the_spot=True,
        closed_at=DEADLINE + dt.timedelta(hours=1),
    )
    make(channel=Channel.PATROL, status=S.IN_PROGRESS, accepted_at=at(3, 10))  # the loop's, not the public's
    assert figures(squad_a)["complaints_overdue"] == 4


def test_visits_answered_and_the_satisfaction_rate(make, squad_a):
    make(**closed(satisfaction=Satisfaction.SATISFIED))
    make(**closed(satisfaction=Satisfaction.BASICALLY_SATISFIED))
    make(**closed(satisfaction=Satisfaction.UNSATISFIED))
    make(**closed(satisfaction=Satisfaction.UNREACHABLE))  # not a visit answered
    make(status=S.REPLIED, replied_at=at(3, 15))  # not visited yet
    found = figures(squad_a)
    assert found["complaints_visited"] == 3
    assert (
        found["complaints_satisfied"],
        found["complaints_basically_satisfied"],
        found["complaints_unsatisfied"],
    ) == (1, 1, 1)
    report = read.report(squad_a, MARCH, group_by=GroupBy.NONE)
    assert report.total.rates["satisfaction_rate"] == Decimal("66.7")  # 2 of 3; unreachable left out


def test_the_patrol_loop(make, squad_a):
    patrol = {"channel": Channel.PATROL}
    make(**patrol)  # collected, not yet acted on
    make(**patrol, status=S.CLOSED, on_the_spot=True, closed_at=at(3, 10, 10, 30))
    make(**patrol, **closed())
    make(**patrol, **closed())
    make(**patrol, status=S.IN_PROGRESS, accepted_at=at(3, 10, 11), dispatched_at=at(3, 10, 12))
    make(**patrol, status=S.MERGED, merged_into=make(**patrol), dispatched_at=at(3, 10, 12))
    make(**closed())  # a hotline complaint: not the patrol loop
    found = figures(squad_a)
    assert found["patrol_collected"] == 6
    assert found["patrol_closed_on_the_spot"] == 1
    assert found["patrol_dispatched"] == 3
    assert found["patrol_closed"] == 2  # of those dispatched; the one fixed on the spot is counted apart
    rates = read.report(squad_a, MARCH, group_by=GroupBy.NONE).total.rates
    assert rates["patrol_closure_rate"] == Decimal("66.67")  # two decimals, as the summaries quote 99.53 %
    assert measures.display(measures.get("patrol_closure_rate"), Decimal("99.53")) == "99.53%"


def test_npc_motions_and_cppcc_proposals(make, squad_a):
    make(channel=Channel.NPC_MOTION)
    make(channel=Channel.NPC_MOTION, **closed())
    make(channel=Channel.CPPCC_PROPOSAL, **closed())
    make(channel=Channel.CPPCC_PROPOSAL, **closed(received_at=at(4, 2)))  # April's
    make(**closed())  # a hotline complaint closed
    found = figures(squad_a)
    assert (found["complaints_npc_motions"], found["complaints_cppcc_proposals"]) == (2, 1)
    assert found["complaints_npc_cppcc_closed"] == 2


def test_completion_rate_rounds_half_up_to_one_decimal(make, squad_a):
    for _ in range(8):
        make(**closed())
    make(status=S.IN_PROGRESS, accepted_at=at(3, 10))
    recompute(MARCH)
    report = read.report(squad_a, MARCH, group_by=GroupBy.NONE, families=["complaints"])
    assert report.total.rates["completion_rate"] == Decimal("88.9")  # 8 of 9 (24,119 of 27,210: 88.6)
    assert measures.display(measures.get("completion_rate"), report.total.rates["completion_rate"]) == "88.9%"


def test_a_district_rate_is_its_own_counts_rate_not_its_squadrons_average(
    make, squad_a, squad_a2, district_a
):
    make(**closed())  # A1: 1 of 1, 100 %
    make(unit=squad_a2, **closed())  # A2: 1 of 3, 33.3 %
    make(unit=squad_a2)
    make(unit=squad_a2)
    recompute(MARCH)
    report = read.report(district_a, MARCH, group_by=GroupBy.UNIT)
    by_unit = {row.key: row.rates["completion_rate"] for row in report.rows}
    assert by_unit == {squad_a.path: Decimal("100.0"), squad_a2.path: Decimal("33.3")}
    assert report.total.rates["completion_rate"] == Decimal("50.0")  # 2 of 4, not (100 + 33.3) / 2


def test_closing_through_the_service_raises_the_figure_on_recompute(make, squad_a, intake_a):
    complaint = make(**closed(status=S.VISITED, closed_at=None))
    assert figures(squad_a)["complaints_closed"] == 0
    services.close(complaint, by=intake_a)
    found = figures(squad_a)
    assert (found["complaints_closed"], found["complaints_closed_on_time"]) == (1, 1)


def test_changed_names_the_months_complaints_of_those_units(
    make, squad_a, squad_b, django_assert_num_queries
):
    since = timezone.now() - dt.timedelta(minutes=1)
    first, second = make(), make()
    make(received_at=at(4, 1, 0, 0))
    make(unit=squad_b)
    with django_assert_num_queries(1):  # str() and the link need no further query
        found = [(c.pk, str(c), c.get_absolute_url()) for c in stats.changed(MARCH, [squad_a.pk], since)]
    assert [pk for pk, *_ in found] == [first.pk, second.pk]
    assert found[0][1].startswith(first.number)
    assert list(stats.changed(MARCH, [squad_a.pk], timezone.now())) == []
