"""The /api/v1/ router: the platform's viewsets, then each domain app's from its `api_routes.py`
(`ROUTES = [(prefix, viewset, basename), ...]`), so the platform names no domain app."""

from importlib import import_module

from django.apps import apps
from django.urls import re_path
from django.utils.module_loading import module_has_submodule
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.routers import DefaultRouter

from enforcement.approvals.api import ApprovalViewSet
from enforcement.catalog.api.views import LegalParameterViewSet, ViolationCategoryViewSet
from enforcement.imports.api import ImportJobViewSet
from enforcement.notifications.api.views import NotificationViewSet
from enforcement.org.api.views import GridViewSet, OrgUnitViewSet, UserViewSet
from enforcement.stats.api import AnnualTargetViewSet, StatsViewSet, TallySubmissionViewSet
from enforcement.workdays.api.views import CalendarDayViewSet

router = DefaultRouter()
router.register("org-units", OrgUnitViewSet, basename="orgunit")
router.register("grids", GridViewSet, basename="grid")
router.register("users", UserViewSet, basename="user")
router.register("categories", ViolationCategoryViewSet, basename="category")
router.register("legal-parameters", LegalParameterViewSet, basename="legalparameter")
router.register("calendar-days", CalendarDayViewSet, basename="calendarday")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("approvals", ApprovalViewSet, basename="approval")
router.register("imports", ImportJobViewSet, basename="import")
router.register("stats/targets", AnnualTargetViewSet, basename="stats-target")
router.register("stats/locks", TallySubmissionViewSet, basename="stats-lock")
router.register("stats", StatsViewSet, basename="stats")

for app_config in apps.get_app_configs():
    if module_has_submodule(app_config.module, "api_routes"):
        for prefix, viewset, basename in import_module(f"{app_config.name}.api_routes").ROUTES:
            router.register(prefix, viewset, basename=basename)


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([])
@schema(None)
def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/ (an id that is not a number, an unknown resource): the API's JSON
    404, not the HTML page a browser gets."""
    raise exceptions.NotFound()


# Included at /api/v1/ after the token route: the router's routes, then the JSON 404 for the rest.
urlpatterns = [*router.urls, re_path(r"^.*$", not_found, name="not-found")]
