"""The bureau's public address and phone numbers: one place, so that the portal, the receipts, the appointment
cards, the phone line and `make run`'s banner never disagree (issue 22: the receipt said 12345 while the portal gave
027-8000 1235, and documents printed the development server's address).

The numbers come from one setting, `PLANDESK_BUREAU_CONTACT` (JSON: address, hours and `phones`, a list of
[label, number]); a purpose below is looked up by its label, so an installation relabels nothing it does not need to.
The public address is `PLANDESK_SITE_URL`.
"""

from __future__ import annotations

from django.conf import settings

# Demo values: a real installation sets PLANDESK_BUREAU_CONTACT.
DEFAULT_CONTACT = {
    "address": "市行政服务中心三楼 规划报建窗口（人民大道 100 号）",
    "hours": "周一至周五 9:00–12:00，13:30–17:30（法定节假日除外）",
    "phones": [
        ("咨询电话", "027-8000 1234"),
        ("案件查询电话", "027-8000 1235"),
        ("预约电话", "027-8000 1236"),
        ("监督投诉电话", "027-8000 1237"),
    ],
}

# purpose → the label of its line in the contact's phones
PURPOSES = {"consult": "咨询电话", "query": "案件查询电话", "booking": "预约电话", "complaint": "监督投诉电话"}


def contact() -> dict:
    return getattr(settings, "PLANDESK_BUREAU_CONTACT", None) or DEFAULT_CONTACT


def phones() -> dict[str, str]:
    """{purpose: number} for every purpose; a purpose the setting does not list falls back to its first number."""
    listed = [(str(label), str(number)) for label, number in contact().get("phones", [])]
    by_label = dict(listed)
    first = listed[0][1] if listed else ""
    return {purpose: by_label.get(label, first) for purpose, label in PURPOSES.items()}


def phone(purpose: str) -> str:
    return phones()[purpose]


def site_url(path: str = "") -> str:
    """The public address of a path, as printed on documents and read out by the banner."""
    return settings.PLANDESK_SITE_URL.rstrip("/") + path
