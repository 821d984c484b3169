from django.urls import path

from . import views

app_name = "penalties"

urlpatterns = [
    path("", views.execution_list, name="list"),
    path("<int:pk>/", views.execution_detail, name="detail"),
    path("<int:pk>/act/<slug:slug>/", views.execution_action, name="action"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path(
        "imports/<int:pk>/lines/<int:line_id>/<slug:how>/",
        views.line_resolve,
        name="line-resolve",
    ),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("seizures/", views.seizure_list, name="seizures"),
    path("seizures/<int:pk>/", views.seizure_detail, name="seizure"),
    path("seizures/<int:pk>/<slug:step>/", views.seizure_step, name="seizure-step"),
    path("demolitions/", views.demolition_list, name="demolitions"),
    path("demolitions/<int:pk>/", views.demolition_detail, name="demolition"),
    path("demolitions/<int:pk>/<slug:step>/", views.demolition_step, name="demolition-step"),
]
