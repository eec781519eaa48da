"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import Rule

ACCESS = {
    "operations:healthz": Rule(public=True, note="load balancers and monitoring; names failing parts only"),
    "operations:metrics": Rule(public=True, objects="addresses in PLANDESK_METRICS_ADDRESSES; 404 to others"),
}
API_ACCESS: dict = {}
