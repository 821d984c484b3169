from django.urls import path

from . import summary_views, views

app_name = "stats"

urlpatterns = [
    path("", summary_views.dashboard_view, name="dashboard"),
    path("monthly/", views.monthly, name="monthly"),
    path("monthly/export/", views.monthly_export, name="monthly-export"),
    path("lock/", views.lock_month, name="lock"),
    path("unlock/", views.unlock_month, name="unlock"),
    path("recompute/", views.recompute_months, name="recompute"),
    path("targets/", views.targets, name="targets"),
    path("definitions/", views.definitions, name="definitions"),
    path("heat/", summary_views.heat_view, name="heat"),
    path("annual/", summary_views.annual_view, name="annual"),
    path("annual/export/", summary_views.annual_export, name="annual-export"),
]
