"""The choices the list's filters and the intake form offer (categories, units, grids): city-wide data
that changes rarely, kept for a minute in the cache per language so a list page costs no queries for
them, and dropped when a category, unit or grid is saved (in this process; others within the minute).
Scope is applied per user in Python (a unit or grid outside the user's scope is not offered)."""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from enforcement.catalog.models import ViolationCategory
from enforcement.org.models import Grid, OrgUnit

TTL_SECONDS = 60
MAX_GRIDS = 500


CATEGORY_PARENTS_KEY = "complaints:choices:category_parents"


def _key(name, language=None):
    """Per language; "" when no language is active (a management command, a task)."""
    if language is None:
        language = get_language()
    return f"complaints:choices:{name}:{language or ''}"


def forget(**_kwargs):
    """post_save/post_delete receiver (apps.py) for categories, units and grids."""
    languages = [code for code, _name in settings.LANGUAGES] + [""]
    cache.delete_many([CATEGORY_PARENTS_KEY] + [_key(name, language) for name in ("categories", "units", "grids")
                                                for language in languages])


def category_groups():
    """[(major label, [(id, label), ...]), ...]: each major category first, then its sub-categories."""
    key = _key("categories")
    groups = cache.get(key)
    if groups is None:
        categories = list(ViolationCategory.objects.active().order_by("sort_order", "code"))
        children = {}
        for c in categories:
            if c.parent_id:
                children.setdefault(c.parent_id, []).append(c)
        groups = [
            (f"{major.code} {major.display_name}",
             [(major.pk, f"{major.code} {major.display_name}")]
             + [(c.pk, f"{c.code} {c.display_name}") for c in children.get(major.pk, [])])
            for major in categories if major.parent_id is None
        ]
        cache.set(key, groups, TTL_SECONDS)
    return groups


def _visible(user, unit_id):
    return user.sees_all_units or unit_id in set(user.scope_unit_ids)


def units_for(user):
    """[(id, label)] of the active units in the user's scope, in tree order, indented by depth."""
    key = _key("units")
    units = cache.get(key)
    if units is None:
        units = [(u.pk, "\u2003" * max(u.depth, 0) + str(u)) for u in OrgUnit.objects.filter(is_active=True).order_by("path")]
        cache.set(key, units, TTL_SECONDS)
    return [(pk, label) for pk, label in units if _visible(user, pk)]


def grids_for(user):
    key = _key("grids")
    grids = cache.get(key)
    if grids is None:
        grids = [(g.pk, str(g), g.unit_id) for g in Grid.objects.filter(is_active=True).order_by("code")[:MAX_GRIDS]]
        cache.set(key, grids, TTL_SECONDS)
    return [(pk, label) for pk, label, unit_id in grids if _visible(user, unit_id)]


def category_family(pk):
    """The ids of category `pk` and its sub-categories (inactive ones too: old complaints keep them)."""
    parents = cache.get(CATEGORY_PARENTS_KEY)
    if parents is None:
        parents = dict(ViolationCategory.objects.values_list("pk", "parent_id"))
        cache.set(CATEGORY_PARENTS_KEY, parents, TTL_SECONDS)
    return [pk] + [child for child, parent in parents.items() if parent == pk]
