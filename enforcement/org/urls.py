"""`home`, `login`, `logout` and every user's own `password-change` stay un-namespaced (LOGIN_URL and
LOGIN_REDIRECT_URL name the first two); the administrators' pages live under /org/ in the `org` namespace."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

management_patterns = [
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/new/", views.UnitCreateView.as_view(), name="unit-create"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("units/<int:pk>/edit/", views.UnitUpdateView.as_view(), name="unit-edit"),
    path("grids/new/", views.GridCreateView.as_view(), name="grid-create"),
    path("grids/<int:pk>/edit/", views.GridUpdateView.as_view(), name="grid-edit"),
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/new/", views.UserCreateView.as_view(), name="user-create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user-detail"),
    path("users/<int:pk>/edit/", views.UserUpdateView.as_view(), name="user-edit"),
    path("users/<int:pk>/password/", views.UserSetPasswordView.as_view(), name="user-password"),
    path(
        "users/<int:pk>/deactivate/", views.UserActivationView.as_view(activate=False), name="user-deactivate"
    ),
    path(
        "users/<int:pk>/reactivate/", views.UserActivationView.as_view(activate=True), name="user-reactivate"
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("org/", include((management_patterns, "org"))),
]
