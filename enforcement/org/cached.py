"""The units and grids offered by filters and forms, cached (enforcement/caching.py) and dropped whenever
a unit or grid is saved (apps.py). Scope is applied per user in Python: a unit or grid outside the user's
scope is not offered."""

from enforcement.caching import ChoiceCache

from .models import Grid, OrgUnit

CHOICES = ChoiceCache("org:choices", translated=("units", "grids"))
MAX_GRIDS = 500


def _visible(user, unit_id):
    return user.sees_all_units or unit_id in set(user.scope_unit_ids)


def units_for(user):
    """[(id, label)] of the active units in the user's scope, in tree order, indented by depth."""
    units = CHOICES.get("units", lambda: [
        (u.pk, "\u2003" * max(u.depth, 0) + str(u))
        for u in OrgUnit.objects.filter(is_active=True).order_by("path")
    ])
    return [(pk, label) for pk, label in units if _visible(user, pk)]


def grids_for(user):
    """[(id, label)] of the active grids kept by units in the user's scope."""
    grids = CHOICES.get("grids", lambda: [
        (g.pk, str(g), g.unit_id) for g in Grid.objects.filter(is_active=True).order_by("code")[:MAX_GRIDS]
    ])
    return [(pk, label) for pk, label, unit_id in grids if _visible(user, unit_id)]
