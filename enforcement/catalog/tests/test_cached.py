"""The cached category choices (cached.py) are dropped when a category is saved, whatever language the
save happens in."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from enforcement.catalog.cached import CHOICES, category_family, category_groups

from .factories import ViolationCategoryFactory

pytestmark = pytest.mark.django_db


def labels():
    return [label for _group, options in category_groups() for _pk, label in options]


def test_saving_a_category_drops_its_cached_choices_in_every_language():
    major = ViolationCategoryFactory(code="T1", name="市容", name_en="Cityscape")
    with translation.override("zh-hans"):
        assert "T1 市容" in labels()
    with translation.override("en"):
        assert "T1 Cityscape" in labels()
        with CaptureQueriesContext(connection) as ctx:
            labels()
        assert len(ctx) == 0  # the second page costs no query
        major.name, major.name_en = "环境", "Environment"
        major.save()
    with translation.override("zh-hans"):
        assert cache.get(CHOICES.key("categories")) is None
        assert "T1 环境" in labels()


def test_a_category_s_family_follows_a_new_sub_category():
    major = ViolationCategoryFactory()
    first = ViolationCategoryFactory(parent=major)
    assert category_family(major.pk) == [major.pk, first.pk]
    second = ViolationCategoryFactory(parent=major)
    assert category_family(major.pk) == [major.pk, first.pk, second.pk]
