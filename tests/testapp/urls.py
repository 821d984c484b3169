"""The site's URLs plus the permit's page and API routes (tests opt in with pytest.mark.urls)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from enforcement import urls as site

from . import views

router = SimpleRouter()
router.register("permits", views.PermitViewSet, basename="permit")

urlpatterns = [
    path("api/v1/", include((router.urls, "testapp-api"), namespace="testapp-api")),
    path("permits/<int:pk>/", views.permit_detail, name="permit-detail"),
    path("permits/<int:pk>/<slug:slug>/", views.permit_action, name="permit-action"),
    *site.urlpatterns,
]
