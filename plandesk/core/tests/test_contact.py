"""One public address (PLANDESK_SITE_URL) and one set of phone numbers (PLANDESK_BUREAU_CONTACT) for the portal,
the documents, the phone line and `make run`'s banner (issue 22: they disagreed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from plandesk.core import contact


def test_the_banner_prints_the_site_url_setting():
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PLANDESK_SITE_URL": "https://ghj.example.gov.cn"}
    out = subprocess.run([sys.executable, str(root / "scripts" / "banner.py")], env=env, cwd=root,
                         capture_output=True, text=True, check=True).stdout
    assert "https://ghj.example.gov.cn/" in out and "https://ghj.example.gov.cn/healthz" in out
    assert "127.0.0.1" not in out


def test_every_purpose_reads_its_number_from_the_one_setting(settings):
    settings.PLANDESK_BUREAU_CONTACT = {"phones": [["咨询电话", "1"], ["案件查询电话", "2"], ["预约电话", "3"]]}
    assert contact.phones() == {"consult": "1", "query": "2", "booking": "3", "complaint": "1"}
    settings.PLANDESK_SITE_URL = "https://ghj.example.gov.cn/"
    assert contact.site_url("/window/query/") == "https://ghj.example.gov.cn/window/query/"


def test_pages_get_the_numbers_and_address_in_their_context(client, settings, db):
    settings.PLANDESK_BUREAU_CONTACT = {"address": "某路", "hours": "工作日", "phones": [["案件查询电话", "0571-2"]]}
    response = client.get("/")
    assert response.context["bureau_phones"]["query"] == "0571-2"
    assert "0571-2" in response.content.decode()
