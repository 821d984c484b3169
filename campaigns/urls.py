from django.urls import path

from . import views
from .map_urls import urlpatterns as map_urlpatterns

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="new"),
    path("items/", views.item_list, name="items"),
    path("items/new/", views.item_pick_campaign, name="item-pick"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/act/<slug:slug>/", views.item_action, name="item-action"),
    path("items/<int:pk>/escalate/simple/", views.item_escalate_simple, name="item-escalate-simple"),
    path("items/<int:pk>/party/", views.item_identify, name="item-party"),
    path("items/<int:pk>/photos/<int:photo_id>/", views.item_photo, name="item-photo"),
    path("logs/<int:log_id>/photos/<int:photo_id>/", views.log_photo, name="log-photo"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/act/<slug:slug>/", views.campaign_action, name="action"),
    path("<int:pk>/log/", views.log_create, name="log-new"),
    path("<int:pk>/logs/", views.log_list, name="logs"),
    path("<int:pk>/logs/<int:log_id>/", views.log_detail, name="log"),
    path("<int:pk>/logs/<int:log_id>/photos/", views.log_photos_add, name="log-photos"),
    path("<int:pk>/items/new/", views.item_create, name="item-new"),
]
urlpatterns += map_urlpatterns  # the map's pages and data (map.py)
