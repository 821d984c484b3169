"""The /api/v1/ router. Each app contributes its viewsets here."""

from rest_framework.routers import DefaultRouter

from complaints.api.views import ComplaintViewSet, DeadlinePolicyViewSet
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
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("complaint-deadline-policies", DeadlinePolicyViewSet, basename="complaintdeadlinepolicy")
router.register("notifications", NotificationViewSet, basename="notification")
