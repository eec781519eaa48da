from plandesk.notifications.services import deliver_pending, release_stuck

JOBS = [release_stuck, deliver_pending]
