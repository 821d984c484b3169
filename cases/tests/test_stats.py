"""The cases' statistics source: each measure counts on the local date of its own event, in the case's unit,
checked at the edges on hand-built cases through the real registry, recompute and read."""

import datetime as dt

import pytest
from django.utils import timezone

from enforcement.stats import measures, read
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period

from .. import stats
from ..choices import CaseStatus, PenaltyKind, PenaltyStage, Procedure
from ..models import Case, CasePenalty
from .factories import CaseFactory

S = CaseStatus
TZ = timezone.get_default_timezone()
MARCH, APRIL = Period.of(2026, 3), Period.of(2026, 4)
SLUGS = [m.slug for m in stats.MEASURES]
LAST_MOMENT, FIRST_OF_APRIL = (
    dt.datetime(2026, 3, 31, 23, 59, tzinfo=TZ),
    dt.datetime(2026, 4, 1, 0, 0, tzinfo=TZ),
)


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def figures(unit, period=MARCH):
    recompute(period)
    found = read.totals(unit, period)
    return {slug: int(found.get(slug) or 0) for slug in SLUGS}


@pytest.fixture
def make(category, squad_a):
    def make(unit=squad_a, penalty=False, updated_at=None, **fields):
        case = CaseFactory(unit=unit, category=category, **fields)
        if penalty:
            CasePenalty.objects.create(case=case, stage=PenaltyStage.DECIDED, kind=PenaltyKind.WARNING)
        if updated_at:
            Case.objects.filter(pk=case.pk).update(updated_at=updated_at)
        return case

    return make


def test_the_source_is_registered_from_ready():
    assert any(source is stats.SOURCE for source in measures.sources())
    assert {m.family for m in stats.MEASURES} == {"cases"}
    for item in stats.MEASURES:
        assert str(item.label) and str(item.definition).endswith(".")


def test_each_measure_counts_on_its_own_date(make, squad_a):
    # Filed in March, decided in April: March's "filed", April's "decided".
    make(status=S.DECIDED, filed_at=at(3, 5), decided_at=at(4, 2), penalty=True)
    make(status=S.CLOSED, filed_at=at(2, 5), decided_at=at(3, 2), closed_at=at(3, 20), penalty=True)
    make(status=S.NO_PENALTY, filed_at=at(2, 5), decided_at=at(3, 3))
    make(procedure=Procedure.SIMPLE, status=S.CLOSED, decided_at=at(3, 4), closed_at=at(3, 6), penalty=True)
    make(status=S.TRANSFERRED, filed_at=at(2, 1), updated_at=at(3, 9))
    assert figures(squad_a) == {
        "cases_simple": 1,
        "cases_filed": 1,
        "cases_decided": 1,
        "cases_closed": 1,  # the simple case's closing is not a general case closed
        "cases_no_penalty": 1,
        "cases_transferred": 1,
    }
    april = figures(squad_a, APRIL)
    assert april["cases_decided"] == 1 and april["cases_filed"] == 0


def test_the_last_minute_of_the_month_is_march_and_midnight_is_april(make, squad_a):
    make(status=S.CLOSED, filed_at=LAST_MOMENT, decided_at=LAST_MOMENT, closed_at=LAST_MOMENT, penalty=True)
    make(
        status=S.CLOSED,
        filed_at=FIRST_OF_APRIL,
        decided_at=FIRST_OF_APRIL,
        closed_at=FIRST_OF_APRIL,
        penalty=True,
    )
    make(status=S.TRANSFERRED, updated_at=LAST_MOMENT)
    make(status=S.TRANSFERRED, updated_at=FIRST_OF_APRIL)
    march, april = figures(squad_a), figures(squad_a, APRIL)
    for slug in ("cases_filed", "cases_decided", "cases_closed", "cases_transferred"):
        assert march[slug] == 1 and april[slug] == 1, slug


def test_a_transferred_case_counts_only_while_transferred(make, squad_a):
    make(status=S.INVESTIGATING, updated_at=at(3, 9))
    assert figures(squad_a)["cases_transferred"] == 0


def test_a_unit_moved_in_the_tree_takes_its_figures_along(make, squad_a, district_a, district_b):
    make(status=S.FILED, filed_at=at(3, 5))
    assert figures(district_a)["cases_filed"] == 1
    squad_a.parent = district_b
    squad_a.save()
    assert figures(district_a)["cases_filed"] == 0
    assert figures(district_b)["cases_filed"] == 1


def test_the_changed_cases_are_those_of_the_month_changed_since(make, squad_a, squad_b):
    mine = make(status=S.FILED, filed_at=at(3, 5))
    make(status=S.FILED, filed_at=at(4, 5))  # another month
    make(unit=squad_b, status=S.FILED, filed_at=at(3, 5))  # another unit
    since = timezone.now() - dt.timedelta(minutes=1)
    assert list(stats.changed(MARCH, [squad_a.pk], since)) == [mine]
    assert list(stats.changed(MARCH, [squad_a.pk], timezone.now() + dt.timedelta(minutes=1))) == []
