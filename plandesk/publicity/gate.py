"""Publicity before approval (批前公示): a case of an item whose guide requires it is not decided, its certificates
not issued and it is not made ready for pick-up before its pre-approval publicity has ended — whatever the path
(a step's page, the API, a meeting's decision). The workflow asks through the hooks in `workflow_hooks.py`.

Which steps would decide, issue or finish a case: a meeting step (the division meeting gives the lead division's
opinion after the publicity; the bureau meeting decides), a step marked `final` in its BPMN (the head's decision in
delegated items), and the certificate steps with their check (the check's approval issues and ends the process).
"""

from __future__ import annotations

from plandesk.catalog.models import ItemVersion
from plandesk.core.refusals import Conflict
from plandesk.publicity import rules
from plandesk.publicity.models import Kind, Publicity, Status
from plandesk.workflow.models import Decision
from plandesk.workflow.services import parsed_definition

# The certificate steps and their second person's check (the shipped processes' tail, docs/workflow.md).
ISSUING_STEPS = frozenset({"prepare_certificate", "check_certificate", "prepare_refusal", "check_refusal"})
# The step of the shipped processes where the handler prepares the publicity (venues, documents, period, notice).
PREPARE_STEP = "prepare_publicity"


class PublicityRequired(Conflict):
    code = "publicity_required"


def required(case_id: int) -> bool:
    """Whether one of the case's item versions requires pre-approval publicity."""
    return ItemVersion.objects.filter(cases__id=case_id, publicity_required=True).exists()


def pre_approval(case_id: int) -> Publicity | None:
    """The case's pre-approval publicity as the public sees it: the latest announced one (drafts are not)."""
    return (Publicity.objects.filter(case_id=case_id, kind=Kind.PRE_APPROVAL).public()
            .order_by("-starts_on", "-id").first())


def has_ended(case_id: int) -> bool:
    """Ended, and no later one announced or running (a repeated publicity must end too)."""
    rows = Publicity.objects.filter(case_id=case_id, kind=Kind.PRE_APPROVAL)
    return (rows.filter(status=Status.ENDED).exists()
            and not rows.filter(status__in=(Status.SCHEDULED, Status.RUNNING)).exists())


def would_decide(task) -> bool:
    if task.is_meeting or task.step_id in ISSUING_STEPS:
        return True
    step = parsed_definition(task.instance.definition).steps.get(task.step_id)
    return bool(step and step.final)


def refusal_for(case_id: int) -> PublicityRequired | None:
    """Why the case may not be decided yet (None when it may): its publicity has not ended."""
    if not required(case_id) or has_ended(case_id):
        return None
    current = pre_approval(case_id)
    if current is None:
        why = "尚未安排批前公示"
    elif current.status == Status.SCHEDULED:
        why = f"批前公示将于 {current.starts_on:%Y-%m-%d} 开始"
    else:
        why = f"批前公示期至 {current.ends_on:%Y-%m-%d}，尚未结束"
    return PublicityRequired(f"本案事项须批前公示，公示期满后方可决定、发证或办结：{why}")


def check_decision(task, decision: str, override_reason: str = "") -> None:
    """Workflow hook (DECISION_CHECKS): no decision, certificate or pick-up before the required publicity ended.
    Sending a case back (退回, 退回修改) stays possible."""
    # Cheapest first: most cases need no publicity (one query on the completion's path), then the step.
    if decision == Decision.RETURN or not required(task.case_id) or not would_decide(task):
        return
    refusal = refusal_for(task.case_id)
    if refusal is not None:
        raise refusal


def check_prepared(task) -> None:
    """Workflow hook (COMPLETION_CHECKS): the publicity step ends once the publicity is prepared and announced:
    scheduled (its venues and a period not shorter than the minimum: the model's rules), with at least one document
    on show and the media notice recorded on time (notice days before the start)."""
    if task.step_id != PREPARE_STEP:
        return
    current = pre_approval(task.case_id)
    if current is None:
        raise PublicityRequired("请先在公示管理中为本案安排批前公示（公示地点、公示材料、公示期限与媒体公告），"
                                "再办结本环节")
    missing = []
    if not current.documents.exists():
        missing.append("公示材料（图纸或说明）")
    if not current.notice_on_time:
        missing.append(f"按时的媒体公告（{rules.notice_rule_text()}）")
    if missing:
        raise PublicityRequired(f"批前公示“{current.title}”尚缺：{'、'.join(missing)}，请补齐后再办结本环节")


def case_fields(case) -> dict:
    """Workflow hook (CASE_FIELDS): `publicity` in GET /api/v1/cases/{n}."""
    current = pre_approval(case.pk)
    if current is None:
        return {"publicity": None}
    return {"publicity": {"status": current.status, "starts_on": current.starts_on, "ends_on": current.ends_on,
                          "opinions": current.opinions.count()}}
