from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("settings/", views.reminder_settings, name="settings"),
    path("settings/<slug:slug>/", views.reminder_setting_edit, name="setting-edit"),
    path("deliveries/failed/", views.failed_deliveries, name="failed"),
    path("deliveries/retry/", views.retry_deliveries, name="retry"),
]
