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


def sms_backend():
    return import_string(settings.PLANDESK_SMS_BACKEND)()


def send_email(address: str, subject: str, body: str) -> None:
    if not address:
        raise DeliveryError("没有电子邮箱")
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except Exception as exc:  # any transport error is retried
        raise DeliveryError(str(exc)) from exc
