"""Where SMS and e-mail go. The bureau's SMS gateway plugs in here; the default writes to a file (no network)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """The channel refused or failed: the notice is retried later."""


class FileSmsBackend:
    """Appends each message as a JSON line to PLANDESK_SMS_FILE: for demo installations and tests."""

    def send(self, phone: str, text: str) -> None:
        if not phone:
            raise DeliveryError("没有手机号")
        path = Path(settings.PLANDESK_SMS_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": timezone.now().isoformat(), "phone": phone, "text": text}, ensure_ascii=False)
        with path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


class ConsoleSmsBackend:
    """Prints each message: for development."""

    def send(self, phone: str, text: str) -> None:
        if not phone:
            raise DeliveryError("没有手机号")
        print(f"[SMS to {phone}] {text}")


class HttpSmsBackend:
    """POSTs JSON to the SMS gateway: PLANDESK_SMS_URL, PLANDESK_SMS_KEY (sent as a bearer token) and
    PLANDESK_SMS_TEMPLATE (a JSON object whose string values may hold {phone} and {text})."""

    def send(self, phone: str, text: str) -> None:
        import urllib.error
        import urllib.request

        if not phone:
            raise DeliveryError("没有手机号")
        template = json.loads(settings.PLANDESK_SMS_TEMPLATE)
        body = {k: v.format(phone=phone, text=text) if isinstance(v, str) else v for k, v in template.items()}
        request = urllib.request.Request(  # noqa: S310 (the URL is the administrator's setting)
            settings.PLANDESK_SMS_URL,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.PLANDESK_SMS_KEY}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if response.status >= 300:
                    raise DeliveryError(f"短信网关返回 {response.status}")
        except urllib.error.URLError as exc:
            raise DeliveryError(f"短信网关不可达：{exc}") from exc


def sms_backend():
    return import_string(settings.PLANDESK_SMS_BACKEND)()


def send_email(address: str, subject: str, body: str) -> None:
    if not address:
        raise DeliveryError("没有电子邮箱")
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except Exception as exc:  # any transport error is retried
        raise DeliveryError(str(exc)) from exc
