"""What an administrator may change: the one decision, used by every page and endpoint.

City-wide reference data — the violation catalogue and legal parameters, the working-day calendar, the
complaints' deadline policies, the reminder periods — holds the same for every unit of the city. A
district's administrator changing it would change it for every other district too, so it is edited by
city administrators only (`User.is_city_admin`: the admin role at the top-level unit, or a superuser);
everybody signed in reads it.

A district administrator manages the org units and users of their own district: the org pages scope
every list and edit through `visible_to(user)` (enforcement/org/views.py), so an administrator's reach is
their own subtree, and anything outside it answers 404."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

CITY_WIDE_REFUSAL = _(
    "Only a city administrator can change this: it applies to the whole city. Ask the city bureau's "
    "administrator if it needs changing."
)


def can_edit_city_wide(user):
    """May `user` change city-wide reference data? City administrators only (see the module's docstring)."""
    return user is not None and user.is_authenticated and user.is_city_admin


def city_admin_required(view):
    """For the pages that change city-wide data: anonymous → login page; anyone else but a city
    administrator → 403 with the plain reason."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_edit_city_wide(request.user):
            raise PermissionDenied(CITY_WIDE_REFUSAL)
        return view(request, *args, **kwargs)

    return wrapper


class CityWidePermission(permissions.BasePermission):
    """The same decision for the API: every signed-in user reads, city administrators write."""

    message = CITY_WIDE_REFUSAL

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or can_edit_city_wide(request.user)
