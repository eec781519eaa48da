"""Worker job of reports: recolour the follow-ups of bad ratings (set-based, a second run changes nothing)."""

from plandesk.reports.models import sweep_follow_up_lights


def rating_follow_up_lights() -> int:
    return sweep_follow_up_lights()


JOBS = [rating_follow_up_lights]
