"""The case file (案卷): what was applied for, by whom, where, and where it stands.

A case changes status only through its transition methods; each stamps the time and writes an audit event and a
history row in the same transaction. Pauses (暂停计时) stop the case clock; resuming recomputes the promised
deadline with the working-day calendar.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.gis.db import models
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plandesk.audit.services import record
from plandesk.core import counters
from plandesk.core.signals import case_paused, case_ready
from plandesk.workdays import calendar


class CaseError(Exception):
    """A transition that the case's state does not allow; the message is for people (zh-Hans)."""


class CaseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("办理中")
    PAUSED = "paused", _("暂停计时")
    READY_FOR_PICKUP = "ready_for_pickup", _("待取件")
    CLOSED = "closed", _("已办结")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


class PauseReason(models.TextChoices):
    SUPPLEMENT = "supplement", _("补正材料")
    PUBLICITY = "publicity", _("公示")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    HEARING = "hearing", _("听证")
    INSPECTION = "inspection", _("检验、检测、鉴定")


class CaseLight(models.TextChoices):
    """The case's own light, from its promised deadline (the steps have theirs)."""

    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class Outcome(models.TextChoices):
    NONE = "", _("未决")
    APPROVED = "approved", _("准予")
    REJECTED = "rejected", _("不予")


QUERY_HASH_PREFIX = "hmac-sha256$"


def query_password_digest(raw: str, salt: str | None = None) -> str:
    """The stored form of a query password: HMAC-SHA256 keyed outside the database, salted per case.

    Eight digits are a small space, so the key (settings PLANDESK_QUERY_PASSWORD_KEY, else the secret key, both
    kept outside the database) is what protects a stolen table; the public query's lockout limits guessing. A slow
    hash would turn every public query into a CPU sink."""
    salt = salt or secrets.token_hex(8)
    key = (getattr(settings, "PLANDESK_QUERY_PASSWORD_KEY", "") or settings.SECRET_KEY).encode()
    digest = hmac.new(key, f"{salt}${raw}".encode(), "sha256").hexdigest()
    return f"{QUERY_HASH_PREFIX}{salt}${digest}"


def _next_case_number(on: datetime | None = None) -> str:
    """The year's next case number (digits only: phone keypads), gap-free (core.counters)."""
    year = timezone.localdate(on or timezone.now()).year
    return f"{year}{counters.next_value(f'cases.number:{year}'):06d}"


class CaseQuerySet(models.QuerySet):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=[CaseStatus.IN_PROGRESS, CaseStatus.PAUSED])


class Case(models.Model):
    number = models.CharField(_("案件编号"), max_length=20, unique=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.IN_PROGRESS, editable=False
    )
    outcome = models.CharField(_("审批结论"), max_length=10, choices=Outcome.choices, default="", blank=True,
                               editable=False)
    item_versions = models.ManyToManyField("catalog.ItemVersion", verbose_name=_("申请事项"), related_name="cases")
    applicant_name = models.CharField(_("申请人"), max_length=200)
    applicant_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    applicant_id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    applicant_contact = models.CharField(_("联系人"), max_length=60, blank=True)
    applicant_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    project_name = models.CharField(_("项目名称"), max_length=200)
    project_address = models.CharField(_("项目地址"), max_length=300, blank=True)
    site = models.MultiPolygonField(_("用地范围"), srid=settings.PLANDESK_SRID, null=True, blank=True)
    forms = models.JSONField(_("申请表"), default=dict, blank=True)
    materials = models.JSONField(_("申请材料"), default=list, blank=True)
    handling_office = models.ForeignKey(
        "organization.Unit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="cases"
    )
    promised_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"), default=0)
    # Nullable without a default, as the light below: SQLite adds such a column in place; a NOT NULL one makes Django
    # rebuild the table, which drops SpatiaLite's index on `site` (the map then finds no case).
    extension_days = models.PositiveSmallIntegerField(_("批准延期（工作日）"), null=True, blank=True, editable=False)
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    due_at = models.DateTimeField(_("承诺办结时间"), null=True, blank=True, db_index=True)
    expected_pickup_date = models.DateField(_("预取件日期"), null=True, blank=True)
    # The case's own light: yellow from warn_at, red from due_at (computed with due_at whenever it moves; the
    # worker's sweep recolours as time passes; a paused case keeps its light).
    warn_at = models.DateTimeField(_("黄灯时间"), null=True, blank=True)
    light = models.CharField(_("亮灯"), max_length=6, choices=CaseLight.choices, null=True, blank=True, editable=False)
    query_password_hash = models.CharField(_("查询密码（散列）"), max_length=200, blank=True, editable=False)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接件人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    ready_at = models.DateTimeField(_("办结待取时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    status_reason = models.CharField(_("状态说明"), max_length=300, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案卷")
        verbose_name_plural = _("案卷")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="cases_status_due"),
                   models.Index(fields=["status", "warn_at"], name="cases_status_warn")]

    def __str__(self) -> str:
        return f"{self.number} {self.project_name}"

    # --- creation --------------------------------------------------------------------------------------------

    @classmethod
    def register(cls, *, item_versions, handling_office, actor=None, received_at: datetime | None = None,
                 password: str | None = None, **fields) -> Case:
        """Register (立案) a case: number it, set its promised deadline, record it. Caller holds a transaction."""
        received_at = received_at or timezone.now()
        versions = list(item_versions)
        if not versions:
            raise CaseError("至少须申请一个事项")
        case = cls(number=_next_case_number(received_at), handling_office=handling_office,
                   received_at=received_at, received_by=actor, status_changed_at=received_at,
                   promised_days=max(v.promised_days for v in versions), **fields)
        if password:
            case.query_password_hash = query_password_digest(password)
        case._compute_deadline()
        case.save()
        case.item_versions.set(versions)
        record("case.registered", case, after={"number": case.number, "status": case.status,
                                               "items": [v.item.code for v in versions]},
               summary=f"立案 {case.number}", actor=actor)
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REGISTERED, actor=actor, at=received_at,
                                 summary=_("立案受理"))
        return case

    # --- query password ------------------------------------------------------------------------------------------

    def set_query_password(self, raw: str) -> None:
        self.query_password_hash = query_password_digest(raw)
        self.save(update_fields=["query_password_hash"])

    def check_query_password(self, raw: str) -> bool:
        stored = self.query_password_hash
        if not stored:
            return False
        if not stored.startswith(QUERY_HASH_PREFIX):
            return check_password(raw, stored)  # hashes written before the keyed hash
        _prefix, salt, _digest = stored.split("$", 2)
        return hmac.compare_digest(stored, query_password_digest(raw, salt))

    # --- deadlines ---------------------------------------------------------------------------------------------

    def pause_intervals(self) -> list[tuple[datetime, datetime | None]]:
        if self.pk is None or (self.status == CaseStatus.IN_PROGRESS and self.status_changed_at == self.received_at):
            return []  # in progress and no transition since registration: never paused (saves a query per step)
        return list(self.pauses.values_list("started_at", "ended_at"))

    def _compute_deadline(self, pauses=()) -> None:
        if not self.promised_days:
            return
        self.due_at = calendar.deadline(self.received_at, self.promised_days + (self.extension_days or 0), pauses)
        self.expected_pickup_date = calendar.local_date(self.due_at)
        self.warn_at = calendar.warn_at(self.received_at, self.due_at)
        self.light = self.light_at(timezone.now())

    def recompute_deadline(self) -> None:
        """After a calendar change or a pause ends: the promised deadline moves by the paused working days."""
        self._compute_deadline(self.pause_intervals() if self.pk else ())
        type(self).objects.filter(pk=self.pk).update(due_at=self.due_at, expected_pickup_date=self.expected_pickup_date,
                                                     warn_at=self.warn_at, light=self.light)

    def light_at(self, now: datetime) -> str:
        """The case's light at `now`: red from its due date, yellow from its warning; a paused or finished case
        keeps the light it had (its clock is not running)."""
        if self.due_at is None or self.status not in (CaseStatus.IN_PROGRESS,):
            return self.light or CaseLight.GREEN
        if self.due_at <= now:
            return CaseLight.RED
        if self.warn_at is not None and self.warn_at <= now:
            return CaseLight.YELLOW
        return CaseLight.GREEN

    @property
    def current_light(self) -> str:
        return self.light_at(timezone.now())

    @property
    def is_paused(self) -> bool:
        return self.status == CaseStatus.PAUSED

    @property
    def is_open(self) -> bool:
        return self.status in (CaseStatus.IN_PROGRESS, CaseStatus.PAUSED)

    def open_pause(self) -> CasePause | None:
        return self.pauses.filter(ended_at__isnull=True).first()

    # --- transitions -------------------------------------------------------------------------------------------

    def _transition(self, allowed: tuple[str, ...], to: str, action: str, *, actor=None, reason: str = "",
                    kind: str | None = None, summary: str = "", stamp: str | None = None,
                    also: dict | None = None) -> None:
        # No savepoint of its own (two statements fewer in every completion that ends a case): a refusal is raised
        # after the block, which has written nothing, so a caller may catch it and go on.
        with transaction.atomic(savepoint=False):
            before = type(self).objects.select_for_update().values_list("status", flat=True).get(pk=self.pk)
            if before in allowed:
                self._change_status(before, to, action, actor=actor, reason=reason, kind=kind, summary=summary,
                                    stamp=stamp, also=also)
        if before not in allowed:
            raise CaseError(f"案卷当前状态为“{CaseStatus(before).label}”，不能{summary or '变更'}")

    def _change_status(self, before: str, to: str, action: str, *, actor, reason: str, kind: str | None,
                       summary: str, stamp: str | None, also: dict | None) -> None:
        now = timezone.now()
        self.status = to
        self.status_changed_at = now
        self.status_reason = reason[:300]
        fields = ["status", "status_changed_at", "status_reason"]
        if stamp:
            setattr(self, stamp, now)
            fields.append(stamp)
        for name, value in (also or {}).items():
            setattr(self, name, value)
            fields.append(name)
        self.save(update_fields=fields)
        record(action, self, before={"status": before}, after={"status": to, "reason": reason},
               summary=f"{self.number} {summary}", actor=actor)
        CaseEvent.objects.create(case=self, kind=kind or action.split(".")[-1], actor=actor, at=now,
                                 summary=summary, detail=reason)

    def pause(self, reason: str, *, note: str = "", actor=None, ends_on=None) -> CasePause:
        """Stop the clock (暂停计时): supplements, publicity, expert review, hearing, inspection. `ends_on`: the
        补正 deadline, or the planned end of a hearing, review or inspection."""
        if reason not in PauseReason.values:
            raise CaseError("暂停原因无效")
        with transaction.atomic():
            self._transition((CaseStatus.IN_PROGRESS,), CaseStatus.PAUSED, "case.paused", actor=actor,
                             reason=note or PauseReason(reason).label, kind=CaseEvent.Kind.PAUSED,
                             summary=f"暂停计时：{PauseReason(reason).label}"
                                     + (f"（期限 {ends_on:%Y-%m-%d}）" if ends_on else ""))
            pause = CasePause.objects.create(case=self, reason=reason, note=note[:300], ends_on=ends_on,
                                             started_at=self.status_changed_at, started_by=actor)
            case_paused.send(sender=Case, case=self, pause=pause)
            return pause

    def resume(self, *, actor=None, note: str = "") -> CasePause:
        """Start the clock again; the promised deadline moves later by the paused working days."""
        with transaction.atomic():
            self._transition((CaseStatus.PAUSED,), CaseStatus.IN_PROGRESS, "case.resumed", actor=actor,
                             reason=note, kind=CaseEvent.Kind.RESUMED, summary="恢复计时")
            pause = self.open_pause()
            if pause is not None:
                pause.ended_at = self.status_changed_at
                pause.ended_by = actor
                pause.save(update_fields=["ended_at", "ended_by"])
            self.recompute_deadline()
            return pause

    def mark_ready_for_pickup(self, outcome: str, *, actor=None) -> None:
        """The process has ended: the result waits at the output window (出件窗口)."""
        label = Outcome(outcome).label if outcome else ""
        # The outcome is saved with the status, before the history event whose receivers (certificates, window) read it.
        self._transition((CaseStatus.IN_PROGRESS,), CaseStatus.READY_FOR_PICKUP, "case.ready_for_pickup",
                         actor=actor, reason=str(label), kind=CaseEvent.Kind.READY, summary="办结，送出件窗口",
                         stamp="ready_at", also={"outcome": outcome})
        case_ready.send(sender=Case, case=self)

    def close(self, *, actor=None, note: str = "") -> None:
        """The result has been handed over (取件): the case is closed."""
        self._transition((CaseStatus.READY_FOR_PICKUP,), CaseStatus.CLOSED, "case.closed", actor=actor, reason=note,
                         kind=CaseEvent.Kind.CLOSED, summary="取件结案", stamp="closed_at")

    def refuse(self, reason: str, *, actor=None) -> None:
        """Not accepted (不予受理)."""
        self._transition((CaseStatus.IN_PROGRESS, CaseStatus.PAUSED), CaseStatus.NOT_ACCEPTED, "case.not_accepted",
                         actor=actor, reason=reason, kind=CaseEvent.Kind.NOT_ACCEPTED, summary="不予受理",
                         stamp="closed_at")

    def withdraw(self, reason: str, *, actor=None) -> None:
        """The applicant withdraws (撤回申请)."""
        self._transition((CaseStatus.IN_PROGRESS, CaseStatus.PAUSED), CaseStatus.WITHDRAWN, "case.withdrawn",
                         actor=actor, reason=reason, kind=CaseEvent.Kind.WITHDRAWN, summary="撤回申请",
                         stamp="closed_at")

    def lapse_supplement(self, pause: CasePause, outcome: str, *, reason: str) -> None:
        """The 补正 deadline passed without the supplement: the case ends as the bureau's setting says (withdrawn or
        not accepted). Only from that very pause, still open: a supplement recorded first wins (the row lock)."""
        to = CaseStatus.WITHDRAWN if outcome == CaseStatus.WITHDRAWN else CaseStatus.NOT_ACCEPTED
        withdrawn = to == CaseStatus.WITHDRAWN
        with transaction.atomic(savepoint=False):
            # The case row first, as resume() takes it: one order of locks, no deadlock with a supplement.
            type(self).objects.select_for_update().filter(pk=self.pk).values_list("pk").get()
            open_pause = CasePause.objects.filter(pk=pause.pk, ended_at__isnull=True).first()
            if open_pause is None:
                raise CaseError("补正已完成或暂停已结束")
            self._transition((CaseStatus.PAUSED,), to, f"case.{to}", actor=None, reason=reason,
                             kind=CaseEvent.Kind.WITHDRAWN if withdrawn else CaseEvent.Kind.NOT_ACCEPTED,
                             summary="逾期未补正，视为撤回申请" if withdrawn else "逾期未补正，不予受理",
                             stamp="closed_at")
            open_pause.ended_at = self.status_changed_at
            open_pause.save(update_fields=["ended_at"])

    def extend(self, days: int, *, actor=None, reason: str = "") -> None:
        """An approved extension (延期): the promised deadline moves later by `days` working days."""
        with transaction.atomic(savepoint=False):
            before = type(self).objects.select_for_update().values_list("due_at", flat=True).get(pk=self.pk)
            self.extension_days = (self.extension_days or 0) + days
            type(self).objects.filter(pk=self.pk).update(extension_days=self.extension_days)
            self.recompute_deadline()
            record("case.extended", self, before={"due_at": before.isoformat() if before else None},
                   after={"due_at": self.due_at.isoformat() if self.due_at else None, "days": days},
                   summary=f"{self.number} 延期 {days} 个工作日", actor=actor)
            CaseEvent.objects.create(case=self, kind=CaseEvent.Kind.EXTENDED, actor=actor, at=timezone.now(),
                                     summary=f"延期 {days} 个工作日，承诺办结时间调整为 "
                                             f"{timezone.localtime(self.due_at):%Y-%m-%d}", detail=reason)

    # --- reading ----------------------------------------------------------------------------------------------

    @property
    def item_codes(self) -> list[str]:
        return [v.item.code for v in self.item_versions.select_related("item").order_by("item__code")]


class CasePause(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("暂停原因"), max_length=20, choices=PauseReason.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("开始"))
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)
    # The end the pause was given: the 补正 deadline, or the planned end of a hearing, expert review or inspection.
    ends_on = models.DateField(_("期限"), null=True, blank=True, db_index=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")

    class Meta:
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(ended_at__isnull=True),
                                    name="cases_one_open_pause"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_reason_display()}"


class CaseEvent(models.Model):
    """The case's history as people read it: every step, pause and transition, with who and when."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("立案")
        STEP_STARTED = "step_started", _("环节开始")
        STEP_DONE = "step_done", _("环节办结")
        CLAIMED = "claimed", _("签收")
        TRANSFERRED = "transferred", _("转办")
        RETURNED = "returned", _("退回")
        LAPSED = "lapsed", _("超时默许")
        MEETING = "meeting", _("会议决定")
        PAUSED = "paused", _("暂停计时")
        RESUMED = "resumed", _("恢复计时")
        READY = "ready_for_pickup", _("办结待取")
        CLOSED = "closed", _("结案")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        WITHDRAWN = "withdrawn", _("撤回")
        EXTENDED = "extended", _("延期")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("案卷记录")
        verbose_name_plural = _("案卷记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.at:%Y-%m-%d %H:%M} {self.summary}"


class ComplianceCheck(models.Model):
    """One run of the site compliance check (用地合规性审查) on a case: what `gis.compliance.check` returned, kept
    as it was. A re-run adds the next number; earlier runs stay on file with the layer versions they read."""

    class Trigger(models.TextChoices):
        INTAKE = "intake", _("受理后自动")
        MANUAL = "manual", _("人工重新审查")

    class Verdict(models.TextChoices):
        PASS = "pass", _("符合")
        FAIL = "fail", _("不符合或有冲突")
        REVIEW = "review", _("需人工核定")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="compliance_checks")
    number = models.PositiveIntegerField(_("审查次序"))
    computed_at = models.DateTimeField(_("审查时间"), default=timezone.now)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审查人"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    trigger = models.CharField(_("触发方式"), max_length=10, choices=Trigger.choices)
    verdict = models.CharField(_("结论"), max_length=10, choices=Verdict.choices)
    site_area_m2 = models.FloatField(_("用地面积（平方米）"))
    layer_versions = models.JSONField(_("所用数据版本"), default=dict)
    result = models.JSONField(_("审查结果"), default=dict)
    jurisdiction = models.JSONField(_("辖区占比"), default=list, blank=True,
                                    help_text=_("[{\"unit\", \"name\", \"share\"}]，按占比从大到小"))
    split_jurisdiction = models.BooleanField(_("跨辖区"), default=False)
    report_pdf = models.BinaryField(_("审查报告 PDF"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("用地合规性审查")
        verbose_name_plural = _("用地合规性审查")
        ordering = ["case", "-number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="cases_compliance_unique_number")]

    def __str__(self) -> str:
        return f"{self.case.number} 第 {self.number} 次用地审查"


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class CaseExtension(models.Model):
    """An extension of the time limit (延期, 行政许可法第四十二条): asked once per case by its handler with a reason,
    decided by the head (or the director, per setting); when approved the case's due date moves by `days`."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="extension")
    days = models.PositiveSmallIntegerField(_("延长（工作日）"))
    reason = models.CharField(_("延期理由"), max_length=500)
    status = models.CharField(_("状态"), max_length=10, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    due_before = models.DateTimeField(_("延期前承诺办结时间"), null=True, blank=True)
    due_after = models.DateTimeField(_("延期后承诺办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期")
        verbose_name_plural = _("延期")

    def __str__(self) -> str:
        return f"{self.case.number} 延期 {self.days} 个工作日"
