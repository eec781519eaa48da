"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import Rule

ACCESS = {
    "notifications:inbox": Rule(signed_in=True, objects="one's own notices"),
    "notifications:read_all": Rule(signed_in=True, objects="one's own notices"),
    "notifications:read": Rule(signed_in=True, objects="one's own notices (404 for another's)"),
}
