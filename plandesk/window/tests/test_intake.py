"""Intake at the window: the application checked whole, the case registered in one transaction."""

from __future__ import annotations

import time_machine

from plandesk.cases.models import CaseStatus
from plandesk.window import services
from plandesk.window.tests.conftest import application


@time_machine.travel("2026-11-27 10:00:00+08:00", tick=False)
def test_it_registers_a_case_with_number_password_and_pickup_date(bureau):
    result = services.intake(application(), actor=bureau["intake"])
    case = result.case
    assert result.created and case.number == "2026000001"
    assert len(result.password) == 8 and result.password.isdigit()
    assert case.check_query_password(result.password)
    assert result.password not in case.query_password_hash
    assert case.query_password_hash.startswith("hmac-sha256$")
    assert case.handling_office.code == "div1"
    assert case.status == CaseStatus.IN_PROGRESS
    assert str(case.expected_pickup_date) == "2026-12-11"  # 10 working days after Friday 27 November
    assert case.tasks.filter(state="open").exists()
    states = {m["code"]: m["state"] for m in case.materials}
    assert states["land_survey_map"] == "deferred" and states["project_approval"] == "committed"
