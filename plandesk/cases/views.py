"""Pages of the case file for staff: re-running the site compliance check and its report PDF.

Only the URL conf imports this module: it asks `workflow` who may see a case (the workspace's rule).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from plandesk.cases import compliance
from plandesk.cases.models import Case


def _visible_case(user, number: str) -> Case:
    from plandesk.workflow.services import may_see_case

    case = Case.objects.filter(number=number).first()
    if case is None or not may_see_case(user, case):
        raise Http404("没有这个案卷，或您无权查看")
    return case


@login_required
@require_POST
def rerun_compliance(request, number: str):
    case = _visible_case(request.user, number)
    try:
        check = compliance.run(case, actor=request.user)
    except compliance.ComplianceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已完成第 {check.number} 次用地合规性审查：{check.get_verdict_display()}")
    return redirect(reverse("workflow:case", args=[case.number]) + "#compliance")


@login_required
def compliance_pdf(request, number: str, check_number: int):
    case = _visible_case(request.user, number)
    check = get_object_or_404(case.compliance_checks, number=check_number)
    response = HttpResponse(compliance.report_pdf(check), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="compliance-{case.number}-{check.number}.pdf"'
    return response
