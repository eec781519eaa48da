"""Demo: the shipped processes, and a few cases at different steps so that every desk has work. Idempotent."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon

from plandesk.cases import compliance
from plandesk.cases.models import Case
from plandesk.catalog.models import Item
from plandesk.catalog.services import handling_office_for
from plandesk.organization.models import Post
from plandesk.workflow import services
from plandesk.workflow.models import TaskState

# Some demo sites touch the demo city's red lines: an approval over such findings needs a reason (workflow/overrides.py;
# recorded only where the check found something).
DEMO_OVERRIDE = "演示：冲突部分已由相关部门书面同意调整"
DEMO_QUERY_PASSWORD = "20261127"  # noqa: S105 - demo data only, printed on no receipt
# (idempotency key, item codes, project, west-south corner, steps to work before leaving it)
DEMO_CASES = [
    ("demo-case-1", ["construction_permit"], "江滨花园住宅小区一期", (114.285, 30.595), 0),
    ("demo-case-2", ["land_use_permit"], "光谷大道综合体", (114.310, 30.600), 1),
    ("demo-case-3", ["site_selection", "design_scheme_review"], "市第三中学新校区", (114.290, 30.610), 0),
    ("demo-case-4", ["pipeline_approval"], "江北片区给水管网改造", (114.295, 30.585), 1),
    ("demo-case-5", ["construction_permit"], "汉江路商业广场", (114.315, 30.590), 3),
]


def _site(west: float, south: float) -> MultiPolygon:
    ring = ((west, south), (west + 0.003, south), (west + 0.003, south + 0.002), (west, south + 0.002),
            (west, south))
    geom = MultiPolygon(Polygon(ring), srid=4326)
    geom.transform(settings.PLANDESK_SRID)
    return geom


def with_compliance_check(case) -> None:
    """Give a demo case the site compliance check that the window's intake runs on a real one (demo cases are
    registered directly, not through the window), so that its workspace shows a report. Once per case: a case that
    already has a check keeps it, so the demo stays idempotent."""

    if not case.compliance_checks.exists():
        compliance.run_after_intake(case)


def _work(case, steps: int) -> None:
    for _ in range(steps):
        task = case.tasks.filter(state=TaskState.OPEN).order_by("id").first()
        if task is None or task.post is None or task.step_id == "prepare_publicity":
            # The publicity stage is the handler's to prepare (publicity desk): a demo case waits for him there.
            return
        person = Post.objects.holders([task.post]).order_by("username").first()
        if person is None:
            return
        if task.meeting_kind:
            services.complete_meeting_task(case, task.meeting_kind, "approve", "同意（演示）", person, "演示会议",
                                           override_reason=DEMO_OVERRIDE)
        else:
            form = {"conformity": "符合", "key_points": "符合控制性详细规划"} if task.form_schema else None
            if task.form_schema and "agree" in task.form_schema.get("properties", {}):
                form = {"agree": True}
            if task.form_schema and "submit_to_bureau_meeting" in task.form_schema.get("properties", {}):
                form = {"submit_to_bureau_meeting": True}
            services.complete_task(task.pk, person, decision="approve", opinion="同意（演示）", form=form,
                                   override_reason=DEMO_OVERRIDE)


def load(out) -> None:
    services.ensure_default_processes()

    for key, codes, project, corner, steps in DEMO_CASES:
        case = Case.objects.filter(idempotency_key=key).first()
        if case is not None:
            with_compliance_check(case)  # a demo loaded before the check existed gets one now
            continue
        items = list(Item.objects.filter(code__in=codes, current__isnull=False).select_related("current"))
        if len(items) != len(codes):
            out.write(f"    (skipped {key}: items {codes} missing)")
            continue
        site = _site(*corner)
        office = handling_office_for(items, site)
        if office is None:
            out.write(f"    (skipped {key}: no handling office)")
            continue
        case = Case.register(item_versions=[i.current for i in items], handling_office=office,
                             applicant_name="演示建设有限公司", applicant_contact="王经理",
                             applicant_phone="13800000000", project_name=project, project_address="演示市江滨区",
                             site=site, forms={i.code: {} for i in items}, idempotency_key=key,
                             password=DEMO_QUERY_PASSWORD)
        with_compliance_check(case)
        services.start_case(case)
        _work(case, steps)
