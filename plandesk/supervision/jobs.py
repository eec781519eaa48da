"""Worker jobs of supervision: recolour the lights (recording each change), then remind and draft urging notices.

Both are safe with several workers: the sweep's updates claim rows, and each change is acted on once."""

from plandesk.supervision.services import act_on_light_changes, sweep_case_clock, sweep_lights, withdraw_stale_drafts


def supervision_lights() -> int:
    # The cases' own clock first: it caps steps due after their case, which this same pass then turns red.
    return sweep_case_clock() + sweep_lights()


def supervision_reminders() -> int:
    return act_on_light_changes() + withdraw_stale_drafts()


JOBS = [supervision_lights, supervision_reminders]
