"""`plandesk demo`: the certificate types with their number formats, the bureau as the default issuing office, and
demo cases taken through both meetings, prepared by the certificate step's handler, checked by the division head
at the 证件校核 step and issued, then left ready for pick-up at the output window: a licence (建设用地规划许可证), a
non-licence item with its approval letter (规划条件通知书 + 批复), and a refused application (不予行政许可决定书).
Idempotent."""

from __future__ import annotations

from plandesk.cases.models import Case
from plandesk.catalog.models import Item
from plandesk.catalog.services import handling_office_for
from plandesk.certificates import services
from plandesk.certificates.models import CertificateType, IssuingOffice
from plandesk.certificates.services import ensure_types
from plandesk.organization.models import Post
from plandesk.workflow import demo as workflow_demo
from plandesk.workflow import services as workflow
from plandesk.workflow.models import TaskState

DEMO_KEY = "demo-certificate-1"
# (idempotency key, item code, project, applicant, west-south corner, bureau meeting decision)
DEMO_CASES = [
    (DEMO_KEY, "land_use_permit", "滨江文化中心", "演示置业有限公司", (114.305, 30.612), "approve"),
    ("demo-certificate-2", "planning_conditions", "沿江大道商务区地块", "演示城市建设投资有限公司", (114.311, 30.606),
     "approve"),
    ("demo-certificate-3", "land_use_permit", "江滨物流仓储园", "演示物流有限公司", (114.318, 30.616), "reject"),
]


def load(out) -> None:
    from urllib.parse import quote

    from django.conf import settings


    ensure_types()
    IssuingOffice.objects.get_or_create(unit=None, defaults={
        "authority": settings.PLANDESK_BUREAU_NAME, "area_code": getattr(settings, "PLANDESK_AREA_CODE", "420100")})
    out.write(f"    {CertificateType.objects.count()} 种证照类型\n")
    for key, item_code, project, applicant, corner, decision in DEMO_CASES:
        case = _demo_case(out, key, item_code, project, applicant, corner, decision)
        if case is None:
            continue
        numbers = list(case.certificates.numbered().order_by("pk").values_list("number", flat=True))
        out.write(f"    案件 {case.number} {project}（{case.get_status_display()}）："
                  + "、".join(numbers) + "\n")
        if key == DEMO_KEY and numbers:
            out.write(f"    核验：/certificates/verify/{quote(numbers[0])}/ ；出件窗口（output）：/window/cases/"
                      f"{case.number}/\n")


def _demo_case(out, key, item_code, project, applicant, corner, decision):
    case = Case.objects.filter(idempotency_key=key).first()
    if case is not None:
        workflow_demo.with_compliance_check(case)
        return case
    item = Item.objects.filter(code=item_code, current__isnull=False).select_related("current").first()
    if item is None:
        out.write(f"    (演示案件略过：没有事项 {item_code})\n")
        return None
    site = workflow_demo._site(*corner)  # the demo workflow's helper: a small square in the centre
    office = handling_office_for([item], site)
    if office is None:
        return None
    example = (item.current.form_schema.get("examples") or [{}])[0]
    case = Case.register(item_versions=[item.current], handling_office=office,
                         applicant_name=applicant, applicant_credit_code="", applicant_contact="李经理",
                         applicant_phone="13800000001", project_name=project,
                         project_address=f"演示市江滨区{project}", site=site, forms={item.code: example},
                         idempotency_key=key, password=workflow_demo.DEMO_QUERY_PASSWORD)
    workflow_demo.with_compliance_check(case)
    workflow.start_case(case)
    workflow_demo._work(case, 3)  # review, division meeting, director
    meeting = case.tasks.filter(state=TaskState.OPEN, meeting_kind="bureau").first()
    if meeting is None or meeting.post is None:
        return case
    chair = Post.objects.holders([meeting.post]).order_by("username").first()
    opinion = "同意核发（演示）" if decision == "approve" else "用地性质与控制性详细规划不符，不予许可（演示）"
    workflow.complete_meeting_task(case, "bureau", decision, opinion, chair, "演示局务会",
                                   override_reason=workflow_demo.DEMO_OVERRIDE)
    task = services.open_prepare_task(case)
    if task is None or task.post is None:
        return case
    handler = Post.objects.holders([task.post]).order_by("username").first()
    if handler is None:
        return case
    for draft in services.prepare(case, handler):
        if decision == "approve":
            services.edit(draft, handler, {"conditions": "按审定的规划条件实施；建设前复核道路红线。"})
    workflow.complete_task(task.pk, handler, decision="approve", opinion="证照已制作（演示）",
                           override_reason=workflow_demo.DEMO_OVERRIDE)
    # The second person's check is the process's next step (证件校核), worked by a holder of its post.
    check = case.tasks.filter(state=TaskState.OPEN, step_id__in=services.CHECK_STEPS).select_related("post").first()
    checker = Post.objects.holders([check.post]).exclude(pk=handler.pk).order_by("username").first() if (
        check is not None and check.post is not None) else None
    if checker is None:
        return case
    workflow.complete_task(check.pk, checker, decision="approve", opinion="核对无误（演示）",
                           override_reason=workflow_demo.DEMO_OVERRIDE)
    case.refresh_from_db()
    return case
