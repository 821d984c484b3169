from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.category_list, name="category-list"),
    path("categories/new/", views.category_create, name="category-create"),
    path("categories/<int:pk>/", views.category_detail, name="category-detail"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category-edit"),
    path("categories/<int:pk>/deactivate/", views.category_deactivate, name="category-deactivate"),
    path("categories/<int:pk>/activate/", views.category_activate, name="category-activate"),
    path("parameters/<int:pk>/edit/", views.parameter_edit, name="parameter-edit"),
]
