"""The /api/v1/ router: the platform's viewsets, then each domain app's from its `api_routes.py`
(`ROUTES = [(prefix, viewset, basename), ...]`), so the platform names no domain app."""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule
from rest_framework.routers import DefaultRouter

from enforcement.approvals.api import ApprovalViewSet
from enforcement.catalog.api.views import LegalParameterViewSet, ViolationCategoryViewSet
from enforcement.notifications.api.views import NotificationViewSet
from enforcement.org.api.views import GridViewSet, OrgUnitViewSet, UserViewSet
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

for app_config in apps.get_app_configs():
    if module_has_submodule(app_config.module, "api_routes"):
        for prefix, viewset, basename in import_module(f"{app_config.name}.api_routes").ROUTES:
            router.register(prefix, viewset, basename=basename)
