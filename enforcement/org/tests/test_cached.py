"""The cached unit and grid choices (cached.py) are dropped when a unit or grid is saved — in every language
and the one kept when no language is active (a management command or a task fills the cache too), whatever
language the save happens in."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from enforcement.org.cached import CHOICES, grids_for, units_for

from .factories import GridFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("filled_in", "saved_in"), [("zh-hans", "en"), ("en", "zh-hans"), (None, "zh-hans")])
def test_saving_a_unit_drops_its_cached_choices(filled_in, saved_in, make_user, district_a):
    admin = make_user("admin", unit=district_a)
    with translation.override(filled_in):
        units_for(admin)
        assert cache.get(CHOICES.key("units")) is not None
    with translation.override(saved_in):
        district_a.name = district_a.name_en = "Renamed district"
        district_a.save()
    with translation.override(filled_in):
        assert cache.get(CHOICES.key("units")) is None
        assert (district_a.pk, "Renamed district") in [(pk, label.strip()) for pk, label in units_for(admin)]


def test_grids_are_cached_scoped_per_user_and_dropped_when_one_is_saved(
    officer_a, officer_b, squad_a, squad_b
):
    mine, theirs = GridFactory(unit=squad_a), GridFactory(unit=squad_b)
    assert [pk for pk, _label in grids_for(officer_a)] == [mine.pk]
    with CaptureQueriesContext(connection) as ctx:
        assert [pk for pk, _label in grids_for(officer_b)] == [theirs.pk]  # from the cache
    assert not [q for q in ctx.captured_queries if "org_grid" in q["sql"]]
    theirs.is_active = False
    theirs.save()
    assert grids_for(officer_b) == []
