"""The client's address behind a reverse proxy, and a request id for the logs.

`TrustedProxyMiddleware` runs first of all: when the direct peer is one of PLANDESK_TRUSTED_PROXIES it replaces
REMOTE_ADDR by the address the proxy reports (X-Real-IP, else the nearest untrusted hop of X-Forwarded-For); from
any other peer those headers are dropped, so a client's own X-Forwarded-For changes nothing. Everything that needs
the client's address (per-address limits, the phone line's allow-list, the audit) reads REMOTE_ADDR through
`plandesk.audit.context.client_ip` and so gets the proxy's word only when the proxy is trusted.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from plandesk.operations.logs import request_id_var
from plandesk.operations.metrics import address_in

FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                      "HTTP_X_FORWARDED_PORT", "HTTP_X_REQUEST_ID")


def _valid(address: str) -> str | None:
    address = address.strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def forwarded_client(meta: dict, trusted) -> str | None:
    """The client address the trusted proxy reports, or None if it reports none that parses."""
    real_ip = _valid(meta.get("HTTP_X_REAL_IP", ""))
    if real_ip:
        return real_ip
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    # Read from the right: the last hop was added by our proxy; hops further left were written by whoever sent them.
    for hop in reversed(hops):
        address = _valid(hop)
        if address is None:
            return None
        if not address_in(address, trusted):
            return address
    return None


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        trusted = settings.PLANDESK_TRUSTED_PROXIES
        peer = meta.get("REMOTE_ADDR", "")
        if trusted and address_in(peer, trusted):
            client = forwarded_client(meta, trusted)
            if client:
                meta["plandesk.proxy_addr"] = peer
                meta["REMOTE_ADDR"] = client
        else:
            for header in FORWARDING_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Take the proxy's X-Request-ID (nginx's $request_id) or make one; answer with it; log lines carry it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response.headers.setdefault("X-Request-ID", request_id)
        return response
