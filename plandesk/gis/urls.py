from django.urls import path

from plandesk.gis import siting_views, views

URL_PREFIX = "gis/"

urlpatterns = [
    path("map/", views.staff_map, name="map"),
    path("public-map/", views.public_map, name="public_map"),
    path("layers/", views.catalogue, name="catalogue"),
    path("layers/import/", views.upload, name="upload"),
    path("layers/<slug:code>/features.geojson", views.layer_geojson, name="layer_geojson"),
    path("site-summary.json", views.site_summary, name="site_summary"),
    path("coordinates.json", views.coordinates, name="coordinates"),
    path("site-selection/", siting_views.site_selection, name="site_selection"),
    path("planning-info/", siting_views.planning_info_map, name="planning_info_map"),
    path("planning-info.json", siting_views.planning_info, name="planning_info"),
]
