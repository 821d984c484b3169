from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.csv", views.case_export, name="export"),
    path("on-the-spot/", views.on_the_spot, name="on-the-spot"),
    path("new/", views.lead_create, name="create"),
    path("parties/", views.party_list, name="parties"),
    path("parties/lookup/", views.party_lookup, name="party-lookup"),
    path("parties/<int:pk>/", views.party_detail, name="party"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act/<slug:slug>/", views.case_action, name="action"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence-add"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
]
