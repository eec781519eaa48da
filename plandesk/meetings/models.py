"""The two meetings (两会): division meetings (处务会) and bureau meetings (局务会), their attendance, agendas,
decisions and minutes (会议纪要).

A meeting decides only with a quorum; a decision completes the case's waiting workflow step (services.decide);
once the chair signs the minutes, nothing of the meeting changes again: a correction is a new, linked record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plandesk.audit.services import record
from plandesk.core.refusals import Conflict
from plandesk.organization.roles import is_director_or_office


class Kind(models.TextChoices):
    DIVISION = "division", _("处务会")
    BUREAU = "bureau", _("局务会")


class Status(models.TextChoices):
    OPEN = "open", _("未签发")
    SIGNED = "signed", _("纪要已签发")


class QuorumRule(models.TextChoices):
    MAJORITY = "majority", _("应到人员过半数出席（含主持人）")
    TWO_THIRDS = "two_thirds", _("应到人员三分之二以上出席（含主持人）")


class Presence(models.TextChoices):
    PRESENT = "present", _("出席")
    ABSENT = "absent", _("缺席")
    LEAVE = "leave", _("请假")


class MeetingDecision(models.TextChoices):
    APPROVE = "approve", _("同意")
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("附条件同意")
    REJECT = "reject", _("不同意")
    DEFER = "defer", _("缓议")
    REVISE = "revise", _("退回修改")


def default_quorum_rule() -> str:
    return getattr(settings, "PLANDESK_MEETING_QUORUM", QuorumRule.MAJORITY)


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        """Meetings a person may read: those he chairs, records or is expected at; the director and the office
        read them all."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_director_or_office(user):
            return self
        return self.filter(Q(chair=user) | Q(recorder=user) | Q(attendance__user=user)).distinct()


class Meeting(models.Model):
    kind = models.CharField(_("会议类别"), max_length=10, choices=Kind.choices)
    division = models.ForeignKey("organization.Unit", verbose_name=_("处室"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="meetings")
    held_at = models.DateTimeField(_("会议时间"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("主持人"), on_delete=models.PROTECT,
                              related_name="chaired_meetings")
    recorder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="recorded_meetings")
    quorum_rule = models.CharField(_("法定人数规则"), max_length=12, choices=QuorumRule.choices,
                                   default=default_quorum_rule)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN, editable=False)
    minutes_year = models.PositiveSmallIntegerField(_("纪要年度"), null=True, blank=True, editable=False)
    minutes_seq = models.PositiveIntegerField(_("纪要序号"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-held_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind="bureau", division__isnull=True)
                                   | Q(kind="division", division__isnull=False), name="meetings_division_by_kind"),
            models.UniqueConstraint(fields=["kind", "division", "minutes_year", "minutes_seq"],
                                    condition=Q(minutes_seq__isnull=False), name="meetings_minutes_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {timezone.localtime(self.held_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:detail", kwargs={"pk": self.pk})

    @property
    def title(self) -> str:
        if self.kind == Kind.DIVISION and self.division_id:
            return f"{self.division.name}{Kind.DIVISION.label}"
        return str(Kind(self.kind).label)

    @property
    def ref(self) -> str:
        """What the case history says of this meeting (workflow's meeting_ref)."""
        return f"{self.title} {timezone.localtime(self.held_at):%Y-%m-%d}（第{self.pk}号会议）"[:100]

    @property
    def is_signed(self) -> bool:
        return self.status == Status.SIGNED

    def mark_signed(self, *, year: int, seq: int, actor) -> None:
        """签发: 进行中 → 已签发, numbered; the minutes are final. The caller holds the row lock and checked the
        chair (services.sign)."""
        if self.status != Status.OPEN:
            raise Conflict("纪要已签发")
        self.status, self.signed_at, self.minutes_year, self.minutes_seq = Status.SIGNED, timezone.now(), year, seq
        self.save(update_fields=["status", "signed_at", "minutes_year", "minutes_seq"])
        record("meetings.signed", self, before={"status": Status.OPEN},
               after={"status": Status.SIGNED, "minutes": self.minutes_number,
                      "decided": list(self.items.exclude(decision="").values_list("case__number", "decision"))},
               summary=f"签发{self.minutes_number}", actor=actor)

    @property
    def minutes_number(self) -> str:
        """处务会纪要〔2026〕3号 once signed; empty before."""
        if self.minutes_seq is None:
            return ""
        prefix = f"{self.division.name}处务会纪要" if self.kind == Kind.DIVISION and self.division_id else "局务会纪要"
        return f"{prefix}〔{self.minutes_year}〕{self.minutes_seq}号"

    # --- attendance and quorum -------------------------------------------------------------------------------

    def expected_count(self) -> int:
        return self.attendance.count()

    def present_count(self) -> int:
        return self.attendance.filter(presence=Presence.PRESENT).count()

    def chair_present(self) -> bool:
        return self.attendance.filter(user_id=self.chair_id, presence=Presence.PRESENT).exists()

    def quorum_needed(self) -> int:
        """How many of the expected members must be present."""
        expected = self.expected_count()
        if self.quorum_rule == QuorumRule.TWO_THIRDS:
            return -(-2 * expected // 3)  # ceil(2n/3)
        return expected // 2 + 1  # more than half

    def has_quorum(self) -> bool:
        return self.chair_present() and self.present_count() >= self.quorum_needed()

    def quorum_problem(self) -> str:
        """Why this meeting may not decide (empty when it may), in Chinese."""
        if not self.chair_present():
            return "主持人未出席，会议不能作出决定"
        present, needed, expected = self.present_count(), self.quorum_needed(), self.expected_count()
        if present < needed:
            return (f"出席人数不足（应到 {expected} 人，实到 {present} 人，须至少 {needed} 人），"
                    "会议不能作出决定")
        return ""


class Attendance(models.Model):
    """One expected member of a meeting and whether he was there."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.PROTECT,
                             related_name="meeting_attendance")
    presence = models.CharField(_("出席情况"), max_length=8, choices=Presence.choices, default=Presence.ABSENT)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meetings_attendance_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_presence_display()}"


class AgendaItemQuerySet(models.QuerySet):
    def undecided(self) -> AgendaItemQuerySet:
        return self.filter(decision="")


class AgendaItem(models.Model):
    """A case on a meeting's agenda and, once decided, the meeting's decision and collective opinion."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", verbose_name=_("案卷"), on_delete=models.PROTECT,
                             related_name="agenda_items")
    position = models.PositiveIntegerField(_("顺序"), default=0)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(_("决定"), max_length=30, choices=MeetingDecision.choices, blank=True, default="")
    opinion = models.TextField(_("集体意见"), blank=True)
    conditions = models.TextField(_("附加条件"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    task = models.ForeignKey("workflow.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="meetings_agenda_case_unique")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.case_id}"

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)


class Correction(models.Model):
    """A correction of signed minutes (更正): a new record linked to the meeting (and the item it corrects);
    the signed minutes themselves never change."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="corrections")
    item = models.ForeignKey(AgendaItem, verbose_name=_("更正的议题"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="corrections")
    seq = models.PositiveIntegerField(_("更正序号"))
    text = models.TextField(_("更正内容"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("纪要更正")
        verbose_name_plural = _("纪要更正")
        ordering = ["meeting", "seq"]
        constraints = [models.UniqueConstraint(fields=["meeting", "seq"], name="meetings_correction_seq_unique")]

    def __str__(self) -> str:
        return f"{self.meeting.minutes_number} 更正{self.seq}"


