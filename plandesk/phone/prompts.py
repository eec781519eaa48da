"""The phone line's fixed prompts: Chinese text for the platform's TTS, optionally a recorded file instead.

PLANDESK_PHONE_AUDIO maps a prompt key to an audio URL (e.g. {"welcome": "/static/phone/welcome.wav"}); the
platform plays the file and falls back to the text if it cannot. PLANDESK_PHONE_OPERATOR is the hall operator's
number for menu 0 (a tel: URI or digits).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings

from plandesk.core import contact

TEXTS = {
    "welcome": "您好，欢迎致电城乡规划局查询电话。",
    "menu": "查询案件办理进度请按1，查询或取消预约请按2，转人工服务请按0。",
    "ask_case_number": "请输入案件编号，以井号键结束。",
    "ask_password": "请输入查询密码，以井号键结束。",
    "wrong_case": "案件编号或查询密码不正确。",
    "ask_card": "请输入预约卡号，以井号键结束。",
    "ask_phone": "请输入预约时登记的手机号码，以井号键结束。",
    "wrong_card": "预约卡号或手机号码不正确。",
    "appointment_menu": "取消该预约请按1，返回主菜单请按9。",
    "cancelled": "您的预约已取消。",
    "more": "返回主菜单请按1，结束通话请按2。",
    "transfer": "正在为您转接人工服务，请稍候。",
    "transfer_failed": "人工服务暂时无法接通，请稍后再拨。",
    "invalid": "您的输入无效，请重新输入。",
    "too_many": "您多次输入无效，请核对后再拨。",
    "busy": "系统繁忙，请稍后再拨。",
    "goodbye": "感谢您的来电，再见。",
}


@dataclass(frozen=True)
class Prompt:
    text: str
    audio: str = ""


def fixed(key: str) -> Prompt:
    audio = (getattr(settings, "PLANDESK_PHONE_AUDIO", None) or {}).get(key, "")
    return Prompt(TEXTS[key], audio)


def spoken(text: str) -> Prompt:
    return Prompt(text)


def operator_number() -> str:
    number = (getattr(settings, "PLANDESK_PHONE_OPERATOR", "")
              or os.environ.get("PLANDESK_PHONE_OPERATOR", "") or contact.phone("consult"))
    return number if ":" in number else "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")
