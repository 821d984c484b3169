"""The map's URL patterns (campaigns/map.py), included in campaigns/urls.py under the `campaigns` namespace:
campaigns:map (a campaign's items), campaigns:map-all (every item in scope, with filters), campaigns:map-data
(the GeoJSON both pages draw)."""

from django.urls import path

from . import map as views

urlpatterns = [
    path("map/", views.map_all, name="map-all"),
    path("map/data/", views.map_data_view, name="map-data"),
    path("<int:pk>/map/", views.campaign_map, name="map"),
]
