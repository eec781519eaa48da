"""The API's error shape: {"error": code, "message": zh-Hans text} with a 4xx status."""

from __future__ import annotations

from django.http import JsonResponse


class ApiError(Exception):
    """Raise from an API operation to answer with the contract's error body."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def error_response(status: int, code: str, message: str, **extra) -> JsonResponse:
    body = {"error": code, "message": message, **extra}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
