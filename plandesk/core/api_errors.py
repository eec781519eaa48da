"""The API's error shape: {"error": code, "message": zh-Hans text} with a 4xx status.

Every refusal of the house (`plandesk.core.refusals.Refusal` and its subclasses in the apps) raised inside an API
operation is answered in this shape by the one exception handler in plandesk/api.py: operations do not catch
their services' refusals. `ErrorOut` is the one schema an operation names for its 4xx answers.
"""

from __future__ import annotations

from django.http import JsonResponse
from ninja import Schema

from plandesk.core.refusals import Refusal


class ApiError(Refusal):
    """Raise from an API operation to answer with the contract's error body (status and code given here)."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message, status=status, code=code, **extra)


class ErrorOut(Schema):
    error: str
    message: str


def error_response(status: int, code: str, message: str, **extra) -> JsonResponse:
    body = {"error": code, "message": message, **extra}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def refusal_response(refusal: Refusal) -> JsonResponse:
    return error_response(refusal.status, refusal.code, refusal.message, **refusal.extra)
