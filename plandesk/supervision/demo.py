"""Demo: late steps for the supervision desk, the red list, the urging notices and the assessment page.

Five cases of 一处 (建设工程规划许可证) whose first step arrived some working days ago, chosen from today so that the
step is now yellow (one of them with a phone reminder) or red (a draft notice about to lapse, an issued one awaiting
the handler's feedback, and one answered and then completed late). Everything after the arrival goes through the
real services: the light sweep (through workflow's deadline hook), the reminder job, issue, feedback, completion.
Idempotent: each case is found by its idempotency key."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone

from plandesk.accounts.models import User
from plandesk.cases.models import Case
from plandesk.catalog.models import Item
from plandesk.catalog.services import handling_office_for
from plandesk.supervision import services
from plandesk.supervision.models import UrgingNotice
from plandesk.workdays import calendar
from plandesk.workflow import services as workflow
from plandesk.workflow.demo import DEMO_OVERRIDE, with_compliance_check
from plandesk.workflow.models import Task, TaskState

DEMO_QUERY_PASSWORD = "20261127"  # noqa: S105 - demo data only
ITEM = "construction_permit"
REVIEW_FORM = {"conformity": "基本符合", "key_points": "建筑退让及日照分析已复核"}
# (key, project, west-south corner in the west half (一处), light now, working days overdue, claimed, what then)
CASES = [
    ("demo-supervision-1", "江滨路小学扩建工程", (114.270, 30.570), "yellow", 0, True, "phone"),
    ("demo-supervision-2", "滨湖社区卫生服务中心", (114.274, 30.574), "yellow", 0, False, ""),
    ("demo-supervision-3", "汉阳大道物流仓储中心", (114.278, 30.578), "red", 4, True, "draft"),
    ("demo-supervision-4", "南岸嘴文化广场", (114.282, 30.570), "red", 2, True, "issued"),
    ("demo-supervision-5", "沿江大道停车楼", (114.286, 30.574), "red", 3, True, "answered"),
]


def _site(west: float, south: float) -> MultiPolygon:
    ring = ((west, south), (west + 0.002, south), (west + 0.002, south + 0.002), (west, south + 0.002),
            (west, south))
    geom = MultiPolygon(Polygon(ring), srid=4326)
    geom.transform(settings.PLANDESK_SRID)
    return geom


def arrival_for(light: str, limit_days: int, now: datetime, overdue_days: int = 0) -> datetime:
    """The latest arrival (09:00 of a day) that makes a step of `limit_days` show `light` now, at least
    `overdue_days` working days past its due date when red."""

    today = calendar.local_date(now)
    for back in range(0, 120):
        day = today - timedelta(days=back)
        start = datetime.combine(day, time(9, 0), tzinfo=calendar.bureau_tz())
        due = calendar.deadline(start, limit_days)
        warn = calendar.warn_at(start, due)
        if light == "yellow" and warn <= now < due:
            return start
        if light == "red" and due <= now and calendar.working_days_between(calendar.local_date(due),
                                                                            today) >= overdue_days:
            return start
    raise ValueError(f"no arrival gives {light}")


def _people():
    found = {u.username: u for u in User.objects.filter(username__in=["office", "handler1"])}
    return found.get("office"), found.get("handler1")


def _late_case(key: str, project: str, corner, light: str, overdue: int, claimed: bool, handler, now):
    item = Item.objects.filter(code=ITEM, current__isnull=False).select_related("current").first()
    if item is None:
        return None
    site = _site(*corner)
    office = handling_office_for([item], site)
    if office is None:
        return None
    first_step_days = 5  # 承办审查 in plandesk_two_meetings
    arrived = arrival_for(light, first_step_days, now, overdue)
    case = Case.register(item_versions=[item.current], handling_office=office, applicant_name="演示建设有限公司",
                         applicant_contact="李经理", applicant_phone="13800000000", project_name=project,
                         project_address="演示市汉阳区", site=site, forms={item.code: {}}, received_at=arrived,
                         idempotency_key=key, password=DEMO_QUERY_PASSWORD)
    with_compliance_check(case)
    workflow.start_case(case)
    task = case.tasks.get(state=TaskState.OPEN)
    if claimed:
        workflow.claim_task(task.pk, handler)
    # The demo's only shortcut: the step arrived on that earlier day (the system has no past to replay). The
    # deadlines are then computed by workflow, whose hook has supervision's sweep recolour and record the step.
    Task.objects.filter(pk=task.pk).update(created_at=arrived)
    workflow.recompute_task_deadlines(case)
    task.refresh_from_db()
    return task


def load(out) -> None:
    office, handler = _people()
    if office is None or handler is None:
        out.write("    (skipped supervision: demo accounts office/handler1 missing)")
        return
    now = timezone.now()
    made = []
    for key, project, corner, light, overdue, claimed, then in CASES:
        existing = Case.objects.filter(idempotency_key=key).first()
        if existing is not None:
            with_compliance_check(existing)  # a demo loaded before the check existed gets one now
            continue
        task = _late_case(key, project, corner, light, overdue, claimed, handler, now)
        if task is None:
            out.write(f"    (skipped {key}: item {ITEM} or its handling office missing)")
            continue
        made.append((task, then))
    # The worker's reminder job: yellow reminders to the handlers and heads, red drafts to the office.
    services.act_on_light_changes()
    for task, then in made:
        if then == "phone":
            services.record_phone_reminder(task.pk, office, callee_name=handler.display_name,
                                           called_at=now - timedelta(minutes=30),
                                           content="提醒承办审查明日到期，经办人答复今日内提交审查意见。")
        if then in ("issued", "answered"):
            notice = UrgingNotice.objects.get(task=task, due_at=task.due_at)
            services.issue_notice(notice.pk, office)
        if then == "answered":
            services.file_feedback(notice.pk, handler,
                                   delay_reason="申请人补充日照分析报告耗时较长，未能按期完成审查。",
                                   handling_opinion="已收到补充材料，今日完成审查并提交处务会。")
            workflow.complete_task(task.pk, handler, decision="approve", opinion="同意（演示）", form=REVIEW_FORM,
                                   override_reason=DEMO_OVERRIDE)
    if made:
        out.write(f"    {len(made)} late steps (yellow and red), urging notices drafted, issued and answered")
