"""The worker starts and ends publicity on their dates (once each, however many workers run), tells a case's process
that its period ended (the waiting BPMN step moves on), warns the office of publicity at risk (once each)."""

from plandesk.publicity.services import end_due, release_process_waits, start_due, warn_at_risk


def release_case_processes() -> int:
    return release_process_waits()


def start_publicity() -> int:
    return start_due()


def end_publicity() -> int:
    return end_due()


def warn_office_of_risks() -> int:
    return warn_at_risk()


# Ending first resumes the case's clock, so the process step waiting for the period's end moves on in the same pass.
JOBS = [end_publicity, release_case_processes, start_publicity, warn_office_of_risks]
