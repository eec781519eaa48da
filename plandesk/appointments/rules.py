"""The hall's booking rules, as settings with defaults (override in Django settings):

- PLANDESK_APPOINTMENT_HORIZON_DAYS (30): how many days ahead slots may be booked.
- PLANDESK_APPOINTMENT_MAX_FUTURE_PER_PHONE (2): future bookings one phone number may hold at once.
- PLANDESK_APPOINTMENT_ATTEMPTS_PER_HOUR (30): booking/cancel/lookup attempts one client address may make an hour.
- PLANDESK_APPOINTMENT_NO_SHOW_LIMIT (2) no-shows within PLANDESK_APPOINTMENT_NO_SHOW_WINDOW_DAYS (90) suspend
  online booking for that phone for PLANDESK_APPOINTMENT_NO_SHOW_SUSPEND_DAYS (30) after the last one.
- PLANDESK_APPOINTMENT_NO_SHOW_GRACE_MINUTES (30): after a slot's end, a booking never checked in is a no-show.
"""

from django.conf import settings

DEFAULTS = {
    "HORIZON_DAYS": 30,
    "MAX_FUTURE_PER_PHONE": 2,
    "ATTEMPTS_PER_HOUR": 30,
    "NO_SHOW_LIMIT": 2,
    "NO_SHOW_WINDOW_DAYS": 90,
    "NO_SHOW_SUSPEND_DAYS": 30,
    "NO_SHOW_GRACE_MINUTES": 30,
}


# Who works the appointment desk and the hall: they book on a caller's behalf and see every booking.
DESK_ROLES = ("consultant", "intake_clerk", "office_supervisor", "director", "administrator")


def rule(name: str) -> int:
    return int(getattr(settings, f"PLANDESK_APPOINTMENT_{name}", DEFAULTS[name]))
