from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_create, name="create"),
    path("export.csv", views.complaint_export, name="export"),
    path("patrol/", views.patrol_create, name="patrol"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/new/", views.policy_edit, name="policy-create"),
    path("policies/<int:pk>/", views.policy_edit, name="policy-edit"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/act/<slug:slug>/", views.complaint_action, name="action"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachments"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
