"""Processes, their running instances and the task table that projects what people and queries need.

The engine state of an instance is SpiffWorkflow's JSON, written once per transaction. Everything else a query
asks (who, which office, until when, which light) lives in columns of `Task`, kept in step by `services`.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plandesk.organization.models import Post
from plandesk.workdays import calendar


class ProcessDefinition(models.Model):
    """One stored version of a BPMN process. Running instances keep the version they started with."""

    process_id = models.CharField(_("流程编号"), max_length=80)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("流程名称"), max_length=200, blank=True)
    bpmn_xml = models.TextField(_("BPMN 文件"))
    steps = models.JSONField(_("办理步骤"), default=list, blank=True, editable=False)
    is_active = models.BooleanField(_("现行"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("流程定义")
        verbose_name_plural = _("流程定义")
        ordering = ["process_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["process_id", "version"], name="workflow_process_version_unique"),
            models.UniqueConstraint(fields=["process_id"], condition=Q(is_active=True),
                                    name="workflow_one_active_version"),
        ]

    def __str__(self) -> str:
        return f"{self.process_id} v{self.version}"


class InstanceStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已终止")


class ProcessInstance(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="process")
    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="instances")
    state = models.TextField(_("引擎状态（JSON）"))
    status = models.CharField(max_length=12, choices=InstanceStatus.choices, default=InstanceStatus.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    next_timer_at = models.DateTimeField(null=True, blank=True, db_index=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("流程实例")
        verbose_name_plural = _("流程实例")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.definition}"


class TaskState(models.TextChoices):
    OPEN = "open", _("待办")
    COMPLETED = "completed", _("已办")
    LAPSED = "lapsed", _("超时默许")
    CANCELLED = "cancelled", _("已撤销")


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class Decision(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("不同意")
    RETURN = "return", _("退回上一步")
    CONSENT_BY_TIMEOUT = "consent_by_timeout", _("超时默许")
    DEFER = "defer", _("缓议")
    REVISE = "revise", _("修改后再议")


class MeetingKind(models.TextChoices):
    NONE = "", _("否")
    DIVISION = "division", _("处务会")
    BUREAU = "bureau", _("局务会")


class TaskQuerySet(models.QuerySet):
    def open(self) -> TaskQuerySet:
        return self.filter(state=TaskState.OPEN)

    def done(self) -> TaskQuerySet:
        return self.exclude(state=TaskState.OPEN)

    def workable_by(self, user, on=None) -> TaskQuerySet:
        """Open tasks the user may work: assigned to him, or offered to a post he holds (substitutes included)."""

        posts = Post.objects.held_by(user, on).values("pk")
        return self.open().filter(Q(assignee=user) | Q(assignee__isnull=True, post__in=posts))


class Task(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="tasks")
    spiff_id = models.CharField(max_length=36, db_index=True)
    step_id = models.CharField(_("步骤编号"), max_length=100)
    name = models.CharField(_("环节"), max_length=200)
    lane = models.CharField(_("泳道"), max_length=100)
    post = models.ForeignKey("organization.Post", verbose_name=_("岗位"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="tasks")
    office = models.ForeignKey("organization.Unit", verbose_name=_("办理单位"), on_delete=models.PROTECT, null=True,
                               blank=True, related_name="tasks")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="tasks")
    state = models.CharField(_("状态"), max_length=12, choices=TaskState.choices, default=TaskState.OPEN)
    meeting_kind = models.CharField(_("会议"), max_length=10, choices=MeetingKind.choices, blank=True, default="")
    on_timeout = models.CharField(max_length=20, blank=True, default="")
    created_at = models.DateTimeField(_("到达时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    limit_days = models.PositiveSmallIntegerField(_("时限（工作日）"), default=0)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    warn_at = models.DateTimeField(_("黄灯时间"), null=True, blank=True)
    light = models.CharField(_("亮灯"), max_length=6, choices=Light.choices, default=Light.GREEN)
    version = models.PositiveIntegerField(default=1)
    decision = models.CharField(_("决定"), max_length=20, choices=Decision.choices, blank=True, default="")
    opinion = models.TextField(_("意见"), blank=True)
    form_schema = models.JSONField(null=True, blank=True)
    form_data = models.JSONField(_("表单"), null=True, blank=True)
    draft = models.JSONField(_("草稿"), null=True, blank=True)
    meeting_ref = models.CharField(_("会议记录"), max_length=100, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="workflow_task_state_due"),
            models.Index(fields=["state", "warn_at"], name="workflow_task_state_warn"),
            models.Index(fields=["post", "state"], name="workflow_task_post_state"),
            models.Index(fields=["assignee", "state"], name="workflow_task_assignee_state"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.name}"

    @property
    def is_open(self) -> bool:
        return self.state == TaskState.OPEN

    @property
    def is_meeting(self) -> bool:
        return bool(self.meeting_kind)

    def light_at(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.state != TaskState.OPEN or self.due_at is None:
            return self.light
        if now >= self.due_at:
            return Light.RED
        if self.warn_at is not None and now >= self.warn_at:
            return Light.YELLOW
        return Light.GREEN

    @property
    def current_light(self) -> str:
        return self.light_at()

    def duration_days(self) -> int | None:
        """Working days the step took (or has taken so far)."""

        end = self.completed_at or timezone.now()
        return calendar.working_days_between(calendar.local_date(self.created_at), calendar.local_date(end))
