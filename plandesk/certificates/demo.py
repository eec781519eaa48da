"""`plandesk demo`: the certificate types with their number formats, the bureau as the default issuing office, and
one demo case taken through both meetings, prepared, checked and issued, so that its certificate can be verified.
Idempotent."""

from __future__ import annotations

from plandesk.certificates.models import CertificateType

DEMO_KEY = "demo-certificate-1"


def load(out) -> None:
    from django.conf import settings

    from plandesk.certificates.models import IssuingOffice
    from plandesk.certificates.services import ensure_types

    ensure_types()
    IssuingOffice.objects.get_or_create(unit=None, defaults={
        "authority": settings.PLANDESK_BUREAU_NAME, "area_code": getattr(settings, "PLANDESK_AREA_CODE", "420100")})
    out.write(f"    {CertificateType.objects.count()} 种证照类型\n")
    number = _demo_certificate(out)
    if number:
        from urllib.parse import quote

        out.write(f"    演示证照 {number}：/certificates/verify/{quote(number)}/\n")


def _demo_certificate(out) -> str | None:
    from plandesk.cases.models import Case
    from plandesk.catalog.models import Item
    from plandesk.catalog.services import handling_office_for
    from plandesk.certificates import services
    from plandesk.organization.models import Post
    from plandesk.workflow import demo as workflow_demo
    from plandesk.workflow import services as workflow

    case = Case.objects.filter(idempotency_key=DEMO_KEY).first()
    if case is None:
        item = Item.objects.filter(code="land_use_permit", current__isnull=False).select_related("current").first()
        if item is None:
            out.write("    (演示证照略过：没有建设用地规划许可事项)\n")
            return None
        site = workflow_demo._site(114.305, 30.612)  # the demo workflow's helper: a small square near the centre
        office = handling_office_for([item], site)
        if office is None:
            return None
        example = (item.current.form_schema.get("examples") or [{}])[0]
        case = Case.register(item_versions=[item.current], handling_office=office,
                             applicant_name="演示置业有限公司", applicant_credit_code="", applicant_contact="李经理",
                             applicant_phone="13800000001", project_name="滨江文化中心",
                             project_address="演示市江滨区滨江路 8 号",
                             site=site, forms={item.code: example}, idempotency_key=DEMO_KEY,
                             password=workflow_demo.DEMO_QUERY_PASSWORD)
        workflow.start_case(case)
        workflow_demo._work(case, 4)  # review, division meeting, director, bureau meeting
        task = services.open_prepare_task(case)
        if task is None or task.post is None:
            return None
        handler = Post.objects.holders([task.post]).order_by("username").first()
        checker = case.handling_office.division_heads().order_by("username").first()
        if handler is None or checker is None:
            return None
        for draft in services.prepare(case, handler):
            services.edit(draft, handler, {"conditions": "按审定的规划条件实施；建设前复核道路红线。"})
            services.check(draft, checker, note="核对无误（演示）")
        workflow.complete_task(task.pk, handler, decision="approve", opinion="证照已制作、校核（演示）")
    return case.certificates.numbered().order_by("pk").values_list("number", flat=True).first()
