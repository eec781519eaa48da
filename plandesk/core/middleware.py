"""Security headers every answer carries: a Content-Security-Policy without inline script, a Permissions-Policy.

Cross-Origin-Opener-Policy comes from Django's SecurityMiddleware (SECURE_CROSS_ORIGIN_OPENER_POLICY).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _tile_origin() -> str:
    """The basemap tile service's origin, if it is elsewhere (an internal WMTS or Tianditu): images from there."""
    url = getattr(settings, "PLANDESK_MAP_TILES", "") or ""
    parsed = urlparse(url.replace("{", "").replace("}", ""))
    if parsed.scheme in {"http", "https"} and parsed.netloc:
        return f"{parsed.scheme}://{parsed.netloc}"
    return ""


def content_security_policy() -> str:
    img = ["'self'", "data:", "blob:"]
    if origin := _tile_origin():
        img.append(origin)
    directives = {
        "default-src": ["'self'"],
        # No inline script anywhere: a page's script is a static file that reads its data from data- attributes.
        "script-src": ["'self'"],
        # Inline styles stay allowed: style= attributes and a few <style> blocks in templates, and the <style>
        # element htmx adds for its indicators. Styles cannot run code; scripts stay strictly 'self'.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": img,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
        "microphone", "midi", "payment", "usb",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.csp = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
