"""Mounted at /open311/. Every endpoint takes its format as a suffix; only `.json` is served."""

from django.urls import re_path

from . import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery_view, name="discovery"),
    re_path(r"^v2/services" + FORMAT, views.service_list_view, name="services"),
    re_path(r"^v2/services/(?P<code>[^/]+)" + FORMAT, views.service_definition_view, name="service"),
    re_path(r"^v2/requests" + FORMAT, views.requests_view, name="requests"),
    re_path(r"^v2/requests/(?P<request_id>[^/]+)" + FORMAT, views.request_detail_view, name="request"),
    re_path(r"", views.not_found_view),
]
