"""Who may speak for the phone line: the IVR platform alone (API.md "Phone line").

The platform vouches for the caller's number and forwards the keys; anyone else posting to /ivr/ could pick any
`caller` and query cases or appointments in the caller's name. So the line answers requests from
PLANDESK_PHONE_PLATFORM_ADDRESSES (addresses or networks, default 127.0.0.1), or carrying the HTTP Basic credentials
PLANDESK_PHONE_PLATFORM_USER / _PASSWORD when those are set, and 403 to every other request.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets
from functools import wraps

from django.conf import settings
from django.http import HttpResponse

from plandesk.audit.context import client_ip

DEFAULT_ADDRESSES = "127.0.0.1"


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    configured = getattr(settings, "PLANDESK_PHONE_PLATFORM_ADDRESSES", DEFAULT_ADDRESSES)
    if isinstance(configured, str):
        configured = configured.split(",")
    return [ipaddress.ip_network(item.strip(), strict=False) for item in configured if item.strip()]


def _from_platform_address(request) -> bool:
    try:
        address = ipaddress.ip_address((client_ip(request) or "").split("%")[0])
    except ValueError:
        return False
    return any(address in network for network in _networks())


def _with_platform_credentials(request) -> bool:
    user = getattr(settings, "PLANDESK_PHONE_PLATFORM_USER", "")
    password = getattr(settings, "PLANDESK_PHONE_PLATFORM_PASSWORD", "")
    if not (user and password):
        return False
    scheme, _sep, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given_user, sep, given_password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    # Both compared in constant time, and both always, so the answer's timing does not tell which was wrong.
    right_user = secrets.compare_digest(given_user.encode(), user.encode())
    right_password = secrets.compare_digest(given_password.encode(), password.encode())
    return bool(sep) and right_user and right_password


def is_platform(request) -> bool:
    return _from_platform_address(request) or _with_platform_credentials(request)


def platform_only(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not is_platform(request):
            response = HttpResponse("电话查询接口仅供电话平台调用", status=403,
                                    content_type="text/plain; charset=utf-8")
            if getattr(settings, "PLANDESK_PHONE_PLATFORM_USER", ""):
                response["WWW-Authenticate"] = 'Basic realm="plandesk phone line", charset="UTF-8"'
            return response
        return view(request, *args, **kwargs)

    return guarded
