"""The signed rating link sent with the pick-up: it names the case and expires after 90 days."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

SALT = "plandesk.reports.rating"
MAX_AGE = 90 * 24 * 3600


def rating_token(case_number: str) -> str:
    return signing.dumps({"case": case_number}, salt=SALT, compress=True)


def rating_path(case_number: str) -> str:
    return reverse("reports:rate_link", args=[rating_token(case_number)])


def case_number_from(token: str) -> str | None:
    try:
        return signing.loads(token, salt=SALT, max_age=MAX_AGE)["case"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
