"""The cached filter choices are dropped when a unit, grid or category is saved — in every language and
the one kept when no language is active (a management command or a task fills the cache too), whatever
language the save happens in."""

import pytest
from django.core.cache import cache
from django.utils import translation

from complaints.cached_choices import _key, units_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("filled_in", "saved_in"), [("zh-hans", "en"), ("en", "zh-hans"), (None, "zh-hans")])
def test_saving_a_unit_drops_its_cached_choices(filled_in, saved_in, make_user, district_a):
    admin = make_user("admin", unit=district_a)
    with translation.override(filled_in):
        units_for(admin)
        assert cache.get(_key("units")) is not None
    with translation.override(saved_in):
        district_a.name = district_a.name_en = "Renamed district"
        district_a.save()
    with translation.override(filled_in):
        assert cache.get(_key("units")) is None
        assert (district_a.pk, "Renamed district") in [(pk, label.strip()) for pk, label in units_for(admin)]
