from django.urls import path

from plandesk.gis import views

URL_PREFIX = "gis/"

urlpatterns = [
    path("map/", views.staff_map, name="map"),
    path("public-map/", views.public_map, name="public_map"),
    path("layers/", views.catalogue, name="catalogue"),
    path("layers/import/", views.upload, name="upload"),
    path("layers/<slug:code>/features.geojson", views.layer_geojson, name="layer_geojson"),
]
