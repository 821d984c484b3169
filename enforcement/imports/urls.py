from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("templates/<slug:kind>.csv", views.template, name="template"),
]
