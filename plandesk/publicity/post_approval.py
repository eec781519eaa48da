"""Post-approval publication (批后公布) of issued licences: for a case of an item that asks for it (rules.py
`post_approval_items`), once its licence is issued, the worker arranges a post-approval publicity of the project at
its site and on the portal, scheduled from the first day the media notice still fits before; the office records the
notice (a missing one shows as at risk, as for any publicity) and the worker starts and ends it as any other. Once
per case, however many workers run: the case row is locked while it is checked and created."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from plandesk.audit.services import record
from plandesk.cases.models import Case, CaseStatus, Outcome
from plandesk.publicity import rules
from plandesk.publicity.models import Kind, Publicity, PublicityError, Subject

log = logging.getLogger(__name__)
ISSUED = "issued"  # certificates.Status.ISSUED (read through the case's relation: no import of the app)


def due_cases(today: date):
    """Approved cases of such items with a licence issued lately and no post-approval publicity yet."""
    since = timezone.now() - timedelta(days=rules.post_approval_since_days())
    return (Case.objects.filter(outcome=Outcome.APPROVED, status__in=(CaseStatus.READY_FOR_PICKUP, CaseStatus.CLOSED),
                                item_versions__item__code__in=rules.post_approval_items(),
                                certificates__status=ISSUED, certificates__issued_at__gte=since)
            .exclude(publicity__kind=Kind.POST_APPROVAL).distinct().order_by("id"))


def arrange(case: Case, today: date) -> Publicity | None:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if Publicity.objects.filter(case=case, kind=Kind.POST_APPROVAL).exists():
            return None  # another worker was first
        names = "、".join(v.name for v in case.item_versions.filter(item__code__in=rules.post_approval_items()))
        numbers = "、".join(case.certificates.filter(status=ISSUED).order_by("pk").values_list("number", flat=True))
        starts_on = rules.earliest_start(today)
        publicity = Publicity(
            title=f"{case.project_name}{names}批后公布"[:200], subject=Subject.PROJECT_SCHEME,
            subject_name=case.project_name[:200], kind=Kind.POST_APPROVAL, case=case, site=case.site,
            description=f"{names}已核发（{numbers}），现予公布。", starts_on=starts_on,
            ends_on=starts_on + timedelta(days=rules.min_days(Kind.POST_APPROVAL, False) - 1))
        publicity.full_clean()
        publicity.save()
        record("publicity.post_approval_arranged", publicity, after={"case": case.number, "licences": numbers},
               summary=f"案卷 {case.number} 批后公布已安排（{starts_on:%Y-%m-%d} 起）")
        publicity.schedule(today=today)
    return publicity


def arrange_due(today: date | None = None, limit: int = 100) -> int:
    today = today or timezone.localdate()
    if not rules.post_approval_items():
        return 0
    done = 0
    for case in due_cases(today)[:limit]:
        try:
            done += arrange(case, today) is not None
        except PublicityError:
            log.exception("post-approval publicity of case %s not arranged", case.pk)
    return done
