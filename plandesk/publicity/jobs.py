"""The worker starts and ends publicity on their dates (once each, however many workers run), tells a case's process
that its period ended (the waiting BPMN step moves on), arranges the post-approval publication of issued licences,
warns the office of publicity at risk (once each)."""

from plandesk.publicity.post_approval import arrange_due
from plandesk.publicity.services import end_due, release_process_waits, start_due, warn_at_risk


def release_case_processes() -> int:
    return release_process_waits()


def start_publicity() -> int:
    return start_due()


def end_publicity() -> int:
    return end_due()


def arrange_post_approval() -> int:
    """批后公布 of licences issued since the last pass (publicity/post_approval.py)."""
    return arrange_due()


def warn_office_of_risks() -> int:
    return warn_at_risk()


# Ending first resumes the case's clock, so the process step waiting for the period's end moves on in the same pass.
JOBS = [end_publicity, release_case_processes, start_publicity, arrange_post_approval, warn_office_of_risks]
