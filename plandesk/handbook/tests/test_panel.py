"""The workbench panel tells staff about handbook revisions coming into force; others get no panel."""

from datetime import date

import time_machine

from plandesk.handbook.home import handbook_revisions


def test_it_counts_recent_and_upcoming_revisions_for_staff(handbook, member):
    with time_machine.travel("2026-06-15 10:00+08:00", tick=False):
        panel = handbook_revisions(member)
    assert panel["count"] == 1 and "即将施行 1 条" in panel["text"]
    with time_machine.travel("2026-07-10 10:00+08:00", tick=False):
        assert "施行 1 条，即将施行 0 条" in handbook_revisions(member)["text"]
    assert date(2026, 7, 1) == handbook["article"].version_on(date(2026, 7, 10)).effective_on


def test_it_shows_no_panel_to_an_outsider(handbook, outsider, client, member):
    assert handbook_revisions(outsider) is None
    client.force_login(member)
    assert "行政管理手册修订" in client.get("/workbench/").content.decode()
