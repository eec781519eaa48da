"""The admin's second factor: administrators enrol a TOTP device once, then verify a code in each session.

`AdminSecondFactorMiddleware` sends an administrator whose session is not OTP-verified from any /admin/ page to
`core:otp` (enrolment on the first visit, a code afterwards); everyone else is refused by the admin itself.
"""

from __future__ import annotations

import base64
import io
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from plandesk.core.signals import second_factor_verified

DEVICE_NAME = "admin"


class AdminSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PLANDESK_ADMIN_OTP and request.path.startswith("/admin/") \
                and not request.path.startswith("/admin/login/"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.has_role("administrator") \
                    and not user.is_verified():
                return redirect(f"{reverse('core:otp')}?next={quote(request.get_full_path())}")
        return self.get_response(request)


def _device(user) -> TOTPDevice:
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed:
        return confirmed
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def _qr_png(uri: str) -> str:
    import qrcode

    buffer = io.BytesIO()
    qrcode.make(uri, border=2).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def otp(request):
    """Enrol (first time: secret and QR code shown) or verify a TOTP code for the admin."""
    if not request.user.has_role("administrator"):
        raise PermissionDenied("仅系统管理员需要并可以设置动态口令")
    device = _device(request.user)
    next_url = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/admin/"
    error = ""
    if request.method == "POST":
        token = "".join(ch for ch in request.POST.get("token", "") if ch.isdigit())
        if len(token) == 6 and device.verify_token(token):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            second_factor_verified.send(sender=type(request.user), user=request.user)
            return redirect(next_url)
        error = "动态口令不正确或已过期，请重新输入验证器上显示的 6 位数字"
    context = {"enrolling": not device.confirmed, "next": next_url, "error": error}
    if not device.confirmed:
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        issuer = quote(f"plandesk {settings.PLANDESK_BUREAU_NAME}")
        uri = f"otpauth://totp/{issuer}:{quote(request.user.username)}?secret={secret}&issuer={issuer}&digits=6"
        context.update(secret=secret, uri=uri, qr=_qr_png(uri))
    return render(request, "core/otp.html", context, status=400 if error else 200)
