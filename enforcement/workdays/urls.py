from django.urls import path

from . import views

app_name = "workdays"

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("days/add/", views.day_add, name="day_add"),
    path("days/<int:pk>/edit/", views.day_edit, name="day_edit"),
    path("days/<int:pk>/delete/", views.day_delete, name="day_delete"),
    path("years/<int:year>/reload/", views.year_reload, name="year_reload"),
    path("years/<int:year>/coverage/", views.year_coverage, name="year_coverage"),
]
