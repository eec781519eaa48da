"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC, STAFF, Rule, roles

LAYERS = "public layers to anyone, internal layers to staff, restricted layers to those granted (404 otherwise)"
ACCESS = {
    "gis:map": roles(*STAFF),
    "gis:public_map": PUBLIC,
    "gis:catalogue": roles(*STAFF),
    "gis:upload": roles("gis_keeper"),
    "gis:layer_geojson": Rule(public=True, objects=LAYERS),
    "gis:site_summary": Rule(public=True, objects="parcels of layers the person may see; public ones with public=1"),
    "gis:coordinates": PUBLIC,
    "gis:site_selection": roles(*STAFF),
    "gis:planning_info_map": PUBLIC,
    "gis:planning_info": Rule(public=True, objects="public plan layers only, whoever asks"),
    "ogcapi:*": Rule(public=True, objects=LAYERS),
}
