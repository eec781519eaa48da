"""Actions that touch more than one record: an opinion from the public, a document upload, the case's clock, the
worker's sweeps, and the opinion summary that other apps read (`summary_for_case`)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from plandesk.accounts.models import Role
from plandesk.audit.services import record
from plandesk.cases.models import CaseStatus, PauseReason
from plandesk.core.limits import Policy
from plandesk.notifications.models import Channel
from plandesk.notifications.services import notify
from plandesk.publicity import rules
from plandesk.publicity.files import check_upload
from plandesk.publicity.models import (
    Document,
    Kind,
    Opinion,
    OpinionStatus,
    Publicity,
    PublicityError,
    Status,
)
from plandesk.workdays.calendar import end_of_office_hours
from plandesk.workflow.models import InstanceStatus, TaskState
from plandesk.workflow.services import Conflict, catch_signal, pause_case, resume_case

log = logging.getLogger(__name__)

# Opinions per client address and hour, shared by every web worker (the bureau sets the number: rules.py).
OPINIONS = Policy("publicity.opinion", limit=lambda: rules.opinions_per_hour())

MAX_NAME = 60
MAX_CONTACT = 100
MAX_CONTENT = 5000


class OutsidePeriod(PublicityError):
    """An opinion outside the publicity period (API: 409 outside_period, with the period)."""

    code = "outside_period"


class TooManyOpinions(PublicityError):
    """The client address has sent its share for now (API: 429)."""

    status, code = 429, "too_many_requests"


def clean_opinion_fields(name: str, contact: str, content: str) -> dict[str, str]:
    """The three fields trimmed, or ValidationError naming each bad one (zh-Hans)."""
    values = {"name": (name or "").strip(), "contact": (contact or "").strip(), "content": (content or "").strip()}
    errors = {}
    for key, label, limit in (("name", "姓名", MAX_NAME), ("contact", "联系方式", MAX_CONTACT),
                              ("content", "意见内容", MAX_CONTENT)):
        if not values[key]:
            errors[key] = [f"请填写{label}"]
        elif len(values[key]) > limit:
            errors[key] = [f"{label}不得超过 {limit} 字"]
    if errors:
        raise ValidationError(errors)
    return values


def submit_opinion(publicity: Publicity, *, name: str, contact: str, content: str, client_ip: str | None,
                   attachment=None, via: str = "portal", challenge_nonce: str | None = None,
                   today: date | None = None) -> Opinion:
    """Take one opinion from the public. Raises ValidationError (bad input), OutsidePeriod, TooManyOpinions."""
    values = clean_opinion_fields(name, contact, content)
    attachment_type = ""
    if attachment:
        try:
            attachment_type = check_upload(attachment, rules.attachment_max_bytes()).content_type
        except ValidationError as exc:
            raise ValidationError({"attachment": exc.messages}) from None
    if not publicity.is_open_for_opinions(today):
        raise OutsidePeriod(f"不在公示期内（{publicity.starts_on:%Y-%m-%d} 至 {publicity.ends_on:%Y-%m-%d}），"
                            "不能提交意见")
    if not OPINIONS.take(client_ip or "unknown"):
        raise TooManyOpinions("提交过于频繁，请一小时后再试")
    try:
        with transaction.atomic():
            opinion = Opinion(publicity=publicity, client_ip=client_ip, via=via, challenge_nonce=challenge_nonce,
                              attachment_type=attachment_type, **values)
            if today is not None and today != timezone.localdate():
                opinion.submitted_at = end_of_office_hours(today)
            if attachment:
                opinion.attachment = attachment
            opinion.save()
            record("publicity.opinion_submitted", opinion, after={"publicity": publicity.pk, "via": via},
                   summary=f"{opinion.tracking_code} 提交意见：{publicity.title[:60]}")
    except IntegrityError:
        if challenge_nonce and Opinion.objects.filter(challenge_nonce=challenge_nonce).exists():
            raise ValidationError({"answer": ["该验证题已使用，请重新作答"]}) from None
        raise
    return opinion


def add_document(publicity: Publicity, *, title: str, upload, actor=None) -> Document:
    """Attach a drawing or document; the file must be what its name says and within the size cap."""
    kind = check_upload(upload, rules.document_max_bytes())
    if publicity.status == Status.ENDED:
        raise PublicityError("公示已结束，不能再添加文件")
    with transaction.atomic():
        doc = Document.objects.create(publicity=publicity, title=title.strip() or upload.name, file=upload,
                                      kind=kind.kind, content_type=kind.content_type, size=upload.size,
                                      position=publicity.documents.count())
        record("publicity.document_added", publicity, after={"document": doc.pk, "title": doc.title,
                                                              "size": doc.size, "type": doc.content_type},
               summary=f"{publicity.title[:60]} 添加文件 {doc.title[:60]}", actor=actor)
    return doc


# --- the case's clock (暂停计时) ------------------------------------------------------------------------------------

def _case_of(publicity: Publicity):
    return publicity.case if publicity.case_id else None


def pause_case_clock(publicity: Publicity, *, actor=None) -> bool:
    """At the start of a case's publicity: stop the case clock (reason "publicity"). False when not paused."""
    case = _case_of(publicity)
    if case is None or publicity.kind != Kind.PRE_APPROVAL:
        return False  # a post-approval publication (批后公布) comes after the case was decided: no clock runs

    try:
        with transaction.atomic():
            pause_case(case, PauseReason.PUBLICITY, note=f"公示：{publicity.title}"[:300], actor=actor)
    except Conflict as exc:
        # A case already paused (e.g. for supplements) or closed keeps its state; the office sees why here.
        record("publicity.case_clock_unchanged", publicity, after={"case": case.number, "reason": str(exc)},
               summary=f"案卷 {case.number} 未暂停计时：{exc}", actor=actor)
        return False
    return True


def resume_case_clock(publicity: Publicity, *, actor=None) -> bool:
    """At the end of a case's publicity: restart the case clock if this publicity's pause is the open one."""
    case = _case_of(publicity)
    if case is None:
        return False

    pause = case.open_pause()
    if pause is None or pause.reason != PauseReason.PUBLICITY:
        return False
    try:
        with transaction.atomic():
            # The workflow's resume also moves the open steps' deadlines by the paused working days.
            resume_case(case, actor=actor, note=f"公示结束：{publicity.title}"[:300])
    except Conflict as exc:
        record("publicity.case_clock_unchanged", publicity, after={"case": case.number, "reason": str(exc)},
               summary=f"案卷 {case.number} 未恢复计时：{exc}", actor=actor)
        return False
    return True


# --- transitions with their consequences in other apps -----------------------------------------------------------

def _moving_the_clock(transition, clock, publicity: Publicity, actor, today: date | None) -> bool:
    with transaction.atomic():
        if not transition(actor=actor, today=today):
            return False
        clock(publicity, actor=actor)
    return True


def start(publicity: Publicity, *, actor=None, today: date | None = None) -> bool:
    """Start a scheduled publicity and pause its case's clock, in one transaction. False when already started."""
    return _moving_the_clock(publicity.start, pause_case_clock, publicity, actor, today)


def end(publicity: Publicity, *, actor=None, today: date | None = None) -> bool:
    """End a running publicity and resume its case's clock, in one transaction. False when already ended."""
    return _moving_the_clock(publicity.end, resume_case_clock, publicity, actor, today)


def publish_summary(publicity: Publicity, *, actor=None) -> None:
    """Publish the opinion summary and tell the submitters (outbox), in one transaction."""
    with transaction.atomic():
        publicity.publish_summary(actor=actor)
        notify_submitters(publicity)


# --- the worker's sweeps ---------------------------------------------------------------------------------------

def _sweep(rows, transition, today: date, failed: str) -> int:
    """Run the transition on each due row, oldest first; a row that refuses is logged and the sweep goes on."""
    done = 0
    for publicity in rows:
        try:
            done += bool(transition(publicity, today=today))
        except PublicityError:
            log.exception("publicity %s did not %s", publicity.pk, failed)
    return done


def start_due(today: date | None = None) -> int:
    """Start every scheduled publicity whose day has come and whose notice was on time. Once, whatever the workers."""
    today = today or timezone.localdate()
    return _sweep(Publicity.objects.due_to_start(today).order_by("starts_on", "id"), start, today, "start")


def end_due(today: date | None = None) -> int:
    """End every running publicity whose last day has passed."""
    today = today or timezone.localdate()
    return _sweep(Publicity.objects.due_to_end(today).order_by("ends_on", "id"), end, today, "end")


# The BPMN signal a process step waits for (an intermediate catch event with a signal of this name): sent to the
# case's process by the worker once the case's publicity has ended and its clock runs again.
PERIOD_ENDED_SIGNAL = "publicity_ended"


def release_process_waits(limit: int = 200) -> int:
    """Tell the case's process that its publicity period is over: the step waiting for it moves on.

    Only an ended publicity of a case in progress whose process could wait for the signal is tried; one whose
    process is not at the waiting step yet is tried again on the next pass; one whose process has finished or
    never waits for the signal is marked done. Several workers may run: the instance's row lock decides."""

    pending = Publicity.objects.filter(status=Status.ENDED, case__isnull=False, process_released_at__isnull=True)
    now = timezone.now()
    # Nothing will ever wait: no running process, or a process whose definition has no such signal.
    settled = pending.exclude(case__process__status=InstanceStatus.RUNNING,
                              case__process__definition__bpmn_xml__contains=PERIOD_ENDED_SIGNAL)
    settled.update(process_released_at=now)
    released = 0
    for publicity in (pending.filter(case__status=CaseStatus.IN_PROGRESS).select_related("case")
                      .order_by("ended_at", "id")[:limit]):
        with transaction.atomic():
            if not catch_signal(publicity.case, PERIOD_ENDED_SIGNAL, label=f"公示期满：{publicity.title}"[:300]):
                continue  # not at the waiting step yet (or another worker was first): the next pass tries again
            Publicity.objects.filter(pk=publicity.pk).update(process_released_at=now)
            record("publicity.process_released", publicity, after={"case": publicity.case.number},
                   summary=f"案卷 {publicity.case.number} 公示期满，流程继续")
            released += 1
    # A case sent back across the wait (审查公示意见 returned to 安排批前公示) waits again for a period that has
    # already ended: told again. Only cases with no open step are tried (a waiting process has none).
    again = (Publicity.objects.filter(status=Status.ENDED, kind=Kind.PRE_APPROVAL, process_released_at__isnull=False,
                                      case__status=CaseStatus.IN_PROGRESS, case__process__status=InstanceStatus.RUNNING,
                                      case__process__definition__bpmn_xml__contains=PERIOD_ENDED_SIGNAL)
             .exclude(case__tasks__state=TaskState.OPEN).select_related("case").order_by("case_id", "-ended_at"))
    seen = set()
    for publicity in again[:limit]:
        if publicity.case_id in seen:
            continue
        seen.add(publicity.case_id)
        with transaction.atomic():
            if catch_signal(publicity.case, PERIOD_ENDED_SIGNAL, label=f"公示期满：{publicity.title}"[:300]):
                record("publicity.process_released", publicity, after={"case": publicity.case.number, "again": True},
                       summary=f"案卷 {publicity.case.number} 公示已期满，流程继续")
                released += 1
    return released


# --- the opinion summary (意见汇总) ----------------------------------------------------------------------------------

@dataclass
class GroupSummary:
    title: str
    response: str
    count: int
    excerpts: list[str] = field(default_factory=list)


@dataclass
class OpinionSummary:
    publicity: Publicity
    total: int
    accepted: int
    duplicate: int
    rejected: int
    pending: int
    ungrouped: int
    published: bool
    groups: list[GroupSummary]

    @property
    def complete(self) -> bool:
        return self.pending == 0 and self.ungrouped == 0 and all(g.response for g in self.groups)


def summarize(publicity: Publicity, excerpt_chars: int = 80) -> OpinionSummary:
    counts = dict(publicity.opinions.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    groups = []
    for group in publicity.groups.all():
        opinions = list(group.opinions.filter(status=OpinionStatus.ACCEPTED).values_list("content", flat=True))
        # Merged duplicates count with the opinion they were merged into.
        merged = Opinion.objects.filter(duplicate_of__group=group, status=OpinionStatus.DUPLICATE).count()
        groups.append(GroupSummary(group.title, group.response, len(opinions) + merged,
                                   [text[:excerpt_chars] for text in opinions[:5]]))
    ungrouped = publicity.opinions.filter(status=OpinionStatus.ACCEPTED, group__isnull=True).count()
    return OpinionSummary(
        publicity=publicity, total=sum(counts.values()), accepted=counts.get(OpinionStatus.ACCEPTED, 0),
        duplicate=counts.get(OpinionStatus.DUPLICATE, 0), rejected=counts.get(OpinionStatus.REJECTED, 0),
        pending=counts.get(OpinionStatus.PENDING, 0), ungrouped=ungrouped,
        published=publicity.summary_published_at is not None, groups=groups)


def summary_for_case(case) -> list[OpinionSummary]:
    """The opinion summaries of a case's publicity (oldest first), for the meeting agenda and the case workspace.
    Drafts are left out: nothing was shown to the public yet."""
    return [summarize(p) for p in Publicity.objects.filter(case=case).public().order_by("starts_on", "id")]


def on_calendar_changed(sender=None, dates=None, **kwargs) -> int:
    """With the notice counted in working days, a calendar change moves the notice's last day of what has not
    started yet (same transaction as the change)."""
    if not rules.notice_in_working_days():
        return 0
    moved = 0
    for pk, starts_on, due in Publicity.objects.filter(status__in=(Status.DRAFT, Status.SCHEDULED)).values_list(
            "pk", "starts_on", "notice_due_on"):
        latest = rules.latest_notice_date(starts_on)
        if latest != due:
            moved += Publicity.objects.filter(pk=pk).update(notice_due_on=latest)
    return moved


def warn_at_risk(today: date | None = None) -> int:
    """Tell the office (and whoever created it) once about each publicity at risk: an in-app notice through the
    outbox, deduplicated per publicity and notice day, so a second sweep writes nothing."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse


    today = today or timezone.localdate()
    office = list(get_user_model().objects.filter(groups__name=Role.OFFICE_SUPERVISOR, is_active=True))
    written = 0
    for publicity in Publicity.objects.at_risk(today).select_related("created_by"):
        people = {user.pk: user for user in office}
        if publicity.created_by is not None and publicity.created_by.is_active:
            people[publicity.created_by.pk] = publicity.created_by
        state = "未登记" if publicity.media_notice_on is None else "逾期"
        for user in people.values():
            sent = notify(kind="publicity.at_risk", recipient=user, obj=publicity,
                          subject=f"公示预警：{publicity.title}"[:200],
                          body=f"媒体公告{state}：公示定于 {publicity.starts_on:%Y-%m-%d} 开始，媒体公告须在 "
                               f"{publicity.notice_due_on:%Y-%m-%d} 前发布（{rules.notice_rule_text()}）。"
                               "公告逾期的公示不能开始。",
                          url=reverse("publicity:staff_detail", args=[publicity.pk]),
                          dedupe_key=f"publicity.at_risk.{publicity.pk}.{publicity.notice_due_on}.{user.pk}")
            written += sent is not None
    return written


MOBILE = re.compile(r"^1[3-9]\d{9}$")


def notify_submitters(publicity: Publicity) -> int:
    """When the summary is published: tell each person whose opinion was taken (valid or merged) by SMS or e-mail,
    if the contact they gave is a mobile number or an e-mail address. Written to the outbox in the caller's
    transaction; rejected opinions get nothing (a typed-in number must not become a way to message strangers)."""
    from django.core.validators import validate_email
    from django.urls import reverse


    written = 0
    for opinion in publicity.opinions.filter(status__in=(OpinionStatus.ACCEPTED, OpinionStatus.DUPLICATE)):
        contact = opinion.contact.replace(" ", "").replace("-", "")
        if MOBILE.match(contact):
            channel = Channel.SMS
        else:
            try:
                validate_email(contact)
            except ValidationError:
                continue
            channel = Channel.EMAIL
        url = reverse("publicity:receipt", args=[opinion.tracking_code])
        sent = notify(kind="publicity.summary_published", channel=channel, address=contact, obj=opinion,
                      subject="规划公示意见已答复",
                      body=f"您对“{publicity.title}”提出的意见（查询编号 {opinion.tracking_code}）已有答复，"
                           f"请在本局网站查看：{settings.PLANDESK_SITE_URL}{url}",
                      url=url, dedupe_key=f"publicity.answered.{opinion.pk}")
        written += sent is not None
    return written
