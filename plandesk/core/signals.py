"""Named events between apps: the one way an app tells the layers above (or beside it) that something happened.

A signal is sent by the model method or service that made the change, inside its transaction, so a receiver's
writes commit or roll back with it. Receivers live in the listening app's `receivers.py`, imported by its
`AppConfig.ready()`; the sender never knows who listens. Each signal says below who sends it and with what.
"""

from __future__ import annotations

from django.dispatch import Signal

# core.admin_otp, when an administrator's TOTP code was accepted: sender=the user's class, user=the user.
second_factor_verified = Signal()

# window.services.pick_up, inside the pick-up's transaction: sender=window.Pickup, pickup=the Pickup. The
# certificates app records the hand-over in its issuance register, the reports count it; the window knows neither.
result_picked_up = Signal()

# cases.Case.mark_ready_for_pickup, after the status, the outcome and the READY history event are saved:
# sender=Case, case=the whole case row. The certificates are issued, the window tells the applicant.
case_ready = Signal()

# cases.Case.pause, after the pause row is written: sender=Case, case=the case, pause=the CasePause. The window
# writes the one-time complete supplement notice (补正告知) for a supplement pause.
case_paused = Signal()

# workdays.services, after an administrator adds, corrects or removes calendar days, inside the same transaction:
# sender=the calendar day model, dates=set of the changed dates. Owners of open deadlines (workflow tasks, cases,
# publicity, appointments) recompute theirs, so the calendar and the deadlines change together or not at all.
calendar_changed = Signal()

# core's `worker` command, after each job of a round (also one that failed): sender=None, job="app.function",
# seconds=its wall time, failed=whether it raised. The operations app keeps the figures for /metrics (the worker
# runs on other hosts than the web processes, so they go through the database, not through process memory).
job_finished = Signal()
