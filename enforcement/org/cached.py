"""The units and grids offered by filters and forms, cached (enforcement/caching.py) and dropped whenever
a unit or grid is saved (apps.py). Scope is applied per user in Python: a unit or grid outside the user's
scope is not offered."""

from enforcement.caching import ChoiceCache

from .models import Grid, OrgUnit

CHOICES = ChoiceCache("org:choices", translated=("units", "grids"))
MAX_GRIDS = 500


def _visible_to(user):
    """The scoping rule (models.in_scope) for many unit ids: the user's scope read once."""
    if user is None or not user.is_authenticated or not user.is_active:
        return lambda unit_id: False
    if user.sees_all_units:
        return lambda unit_id: True
    scope = set(user.scope_unit_ids)
    return scope.__contains__


def units_for(user):
    """[(id, label)] of the active units in the user's scope, in tree order, indented by depth."""
    units = CHOICES.get(
        "units",
        lambda: [
            (u.pk, "\u2003" * max(u.depth, 0) + str(u))
            for u in OrgUnit.objects.filter(is_active=True).order_by("path")
        ],
    )
    visible = _visible_to(user)
    return [(pk, label) for pk, label in units if visible(pk)]


def grids_for(user):
    """[(id, label)] of the active grids kept by units in the user's scope."""
    grids = CHOICES.get(
        "grids",
        lambda: [(g.pk, str(g), g.unit_id) for g in Grid.objects.filter(is_active=True).order_by("code")],
    )
    visible = _visible_to(user)
    # The cap applies to what this user may see: a district whose codes sort late still gets its grids.
    return [(pk, label) for pk, label, unit_id in grids if visible(unit_id)][:MAX_GRIDS]
