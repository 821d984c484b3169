"""The /api/v1/ router. Each app contributes its viewsets here."""

from rest_framework.routers import DefaultRouter

from enforcement.org.api.views import GridViewSet, OrgUnitViewSet, UserViewSet

router = DefaultRouter()
router.register("org-units", OrgUnitViewSet, basename="orgunit")
router.register("grids", GridViewSet, basename="grid")
router.register("users", UserViewSet, basename="user")
