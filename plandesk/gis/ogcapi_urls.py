"""OGC API – Features, mounted at /ogcapi/ by plandesk/urls.py (outside the app's own gis/ prefix)."""

from django.urls import path

from plandesk.gis import ogcapi

app_name = "ogcapi"

urlpatterns = [
    path("", ogcapi.landing, name="landing"),
    path("conformance", ogcapi.conformance, name="conformance"),
    path("collections", ogcapi.collections, name="collections"),
    path("collections/<slug:collection_id>", ogcapi.collection, name="collection"),
    path("collections/<slug:collection_id>/items", ogcapi.items, name="items"),
    path("collections/<slug:collection_id>/items/<str:feature_id>", ogcapi.item, name="item"),
]
