from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("numbering/", views.numbering_list, name="numbering"),
    path("numbering/new/", views.numbering_edit, name="numbering-create"),
    path("numbering/<int:pk>/", views.numbering_edit, name="numbering-edit"),
    path("issue/<int:content_type_id>/<int:object_id>/<slug:doc_type>/", views.issue, name="issue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/print/", views.print_view, name="print"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/void/", views.void, name="void"),
    path("<int:pk>/serve/", views.serve, name="serve"),
]
