from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from enforcement.org.api.views import ApiTokenViewSet, LogoutView, ObtainTokenView
from enforcement.security import policy_adding

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("auth/tokens/", ApiTokenViewSet.as_view({"get": "list"}), name="api-token-list"),
    path("auth/tokens/<int:pk>/", ApiTokenViewSet.as_view({"delete": "destroy"}), name="api-token-detail"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("", include("enforcement.api")),  # the router's routes, then a JSON 404 for any other path
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script from ?script, not inline (enforcement/security.py).
    # Swagger UI injects its style: inline styles allowed on that page alone.
    path(
        "api/docs/",
        policy_adding({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("django-admin/", admin.site.urls),
    # What a newcomer types or a browser asks for by itself lands on the product's own pages.
    path("admin/", RedirectView.as_view(pattern_name="org:unit-list"), name="admin-shortcut"),
    path("favicon.ico", RedirectView.as_view(url=lazy(static_url, str)("img/favicon.svg"), permanent=True)),
    path("calendar/", include("enforcement.workdays.urls")),
    path("catalog/", include("enforcement.catalog.urls")),
    path("complaints/", include("complaints.urls")),
    path("cases/", include("cases.urls")),
    path("penalties/", include("penalties.urls")),
    path("campaigns/", include("campaigns.urls", namespace="campaigns")),
    path("public/decisions/", include("penalties.public")),  # 行政处罚决定公开 (Art. 48): no login
    path("documents/", include("enforcement.documents.urls")),
    path("open311/", include("complaints.open311.urls")),
    path("notifications/", include("enforcement.notifications.urls")),
    path("approvals/", include("enforcement.approvals.urls")),
    path("statistics/", include("enforcement.stats.urls")),
    path("imports/", include("enforcement.imports.urls")),
    path("", include("enforcement.org.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
