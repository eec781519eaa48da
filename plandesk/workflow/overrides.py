"""Approving over the site compliance check's findings (越过用地审查意见): an approval, at a step or a meeting,
while the case's latest compliance check says "不符合或有冲突" needs a written reason, kept with the decision on the
case (the step's history row and an audit event), shown on the meeting agenda and counted in the reports."""

from __future__ import annotations

from plandesk.cases.models import CaseEvent, ComplianceCheck
from plandesk.workflow.errors import Conflict
from plandesk.workflow.models import Decision

# Where the reason sits in the step's history row (`CaseEvent.data`): reports count rows with this key.
DATA_KEY = "override_reason"


class OverrideRequired(Conflict):
    code = "compliance_override_required"


def latest_check(case_id: int) -> ComplianceCheck | None:
    return ComplianceCheck.objects.filter(case_id=case_id).order_by("-number").first()


def findings(check: ComplianceCheck | None) -> list[dict]:
    """What the check found against the site, shaped as the case compliance report's checks and conflicts: the
    failed indicators and every conflict. Empty when the check passed (or there is none)."""
    if check is None or check.verdict != ComplianceCheck.Verdict.FAIL:
        return []
    result = check.result or {}
    out = [{"indicator": c.get("indicator"), "limit": c.get("limit"), "proposed": c.get("proposed"),
            "result": c.get("result")} for c in result.get("checks", []) if c.get("result") == "fail"]
    out += [{"kind": c.get("kind"), "layer": c.get("layer"), "feature": c.get("feature"),
             "measure": c.get("measure")} for c in result.get("conflicts", [])]
    # A verdict stored as fail with nothing itemised still needs the reason: say so rather than list nothing.
    return out or [{"kind": "verdict", "layer": None, "feature": None, "measure": None}]


def required_reason(case_id: int, decision: str, override_reason: str | None) -> str:
    """The reason to record with an approval ('' when none is needed); raises OverrideRequired (409, with the
    findings) when the approval needs one and none was given."""
    if decision != Decision.APPROVE:
        return ""
    found = findings(latest_check(case_id))
    if not found:
        return ""
    reason = (override_reason or "").strip()
    if not reason:
        raise OverrideRequired("本案最近一次用地合规性审查结论为“不符合或有冲突”，同意须填写越过审查意见的理由",
                               findings=found)
    return reason[:2000]


def overrides_of(case) -> list[CaseEvent]:
    """The approvals given over the compliance check's findings on this case, oldest first."""
    return [e for e in case.events.filter(kind__in=(CaseEvent.Kind.STEP_DONE, CaseEvent.Kind.MEETING))
            .select_related("actor") if e.data.get(DATA_KEY)]


def count_overrides(first_day=None, last_day=None) -> int:
    """How many approvals were given over compliance findings (for the reports), between two local dates (both
    included) when given."""
    rows = CaseEvent.objects.filter(kind__in=(CaseEvent.Kind.STEP_DONE, CaseEvent.Kind.MEETING),
                                    data__has_key=DATA_KEY)
    if first_day is not None:
        rows = rows.filter(at__date__gte=first_day)
    if last_day is not None:
        rows = rows.filter(at__date__lte=last_day)
    return rows.count()
