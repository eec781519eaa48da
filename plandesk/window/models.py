"""The window's own records: received files, filing receipts, query failures, supplement notices, pick-ups.

The case itself (number, status, pauses) lives in `cases`; what happens at the two windows around it lives here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """A file received at the window, kept once under its SHA-256 outside the web root (see `storage`)."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    kind = models.CharField(_("类型"), max_length=8)  # pdf, jpg, png, dwg, dxf (detected from the content)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("收件文件")
        verbose_name_plural = _("收件文件")

    def __str__(self) -> str:
        return f"{self.sha256[:12]}.{self.kind}"


class MaterialFile(models.Model):
    """One scan handed in for a material of a case, at intake or as a supplement (补正)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="material_files")
    material_code = models.CharField(_("材料编码"), max_length=40)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="uses")
    original_name = models.CharField(_("原文件名"), max_length=200)
    supplement = models.ForeignKey("window.SupplementNotice", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="files")
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("材料文件")
        verbose_name_plural = _("材料文件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.material_code} {self.original_name}"


class Receipt(models.Model):
    """A filing receipt (立案回执) as issued: the password rides along, encrypted, only until the link expires."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="receipts")
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    # Fernet token of the query password (key derived from the secret key, outside the database); emptied when
    # the receipt link expires.
    sealed_password = models.TextField(blank=True)

    class Meta:
        verbose_name = _("立案回执")
        verbose_name_plural = _("立案回执")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.issued_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return bool(self.sealed_password) and self.expires_at > timezone.now()


class QueryFailure(models.Model):
    """A failed public query (wrong password or unknown case): counted for the lockout, kept as the log."""

    case_number = models.CharField(max_length=40)
    address = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10, default="web")

    class Meta:
        verbose_name = _("查询失败记录")
        verbose_name_plural = _("查询失败记录")
        indexes = [
            models.Index(fields=["case_number", "at"], name="window_qf_case_at"),
            models.Index(fields=["address", "at"], name="window_qf_addr_at"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.address} {self.at:%Y-%m-%d %H:%M}"


class SupplementNotice(models.Model):
    """The one-time complete notice (一次性告知书): everything the applicant must supplement, told at once."""

    class State(models.TextChoices):
        OPEN = "open", _("待补正")
        FULFILLED = "fulfilled", _("已补正")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="supplement_notices")
    pause = models.OneToOneField("cases.CasePause", on_delete=models.PROTECT, related_name="supplement_notice")
    number = models.CharField(_("告知书编号"), max_length=30, unique=True)
    missing = models.TextField(_("须补正的材料和事项"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    issued_at = models.DateTimeField(_("告知时间"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    fulfilled_at = models.DateTimeField(_("补正时间"), null=True, blank=True)
    fulfilled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    fulfilment_note = models.TextField(_("补正说明"), blank=True)

    class Meta:
        verbose_name = _("一次性告知书")
        verbose_name_plural = _("一次性告知书")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def missing_lines(self) -> list[str]:
        return [line.strip() for line in self.missing.splitlines() if line.strip()]


class Pickup(models.Model):
    """The hand-over of a result at the output window (出件). One per case: a case is picked up once."""

    class Document(models.TextChoices):
        CERTIFICATE = "certificate", _("证照")
        APPROVAL_LETTER = "approval_letter", _("批复文件")
        REFUSAL_DECISION = "refusal_decision", _("不予许可决定书")

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="pickup")
    collector_name = models.CharField(_("领取人"), max_length=60)
    collector_id_number = models.CharField(_("领取人身份证号"), max_length=18)
    on_behalf_of = models.CharField(_("代表单位或个人"), max_length=200, blank=True)
    documents = models.JSONField(_("领取文件"), default=list)
    picked_up_at = models.DateTimeField(_("领取时间"), default=timezone.now)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("出件人"), on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("取件登记")
        verbose_name_plural = _("取件登记")
        ordering = ["-picked_up_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.collector_name}"

    @property
    def documents_display(self) -> list[str]:
        labels = dict(self.Document.choices)
        return [str(labels.get(d, d)) for d in self.documents]


class RefusalNotice(models.Model):
    """A refusal to accept (不予受理通知书): of an application refused at the window before it was registered (no
    case, no case number: the notice keeps what the applicant brought), or of a registered case. The notice has its
    own yearly number (不受〔2026〕1号)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="refusal_notice", null=True,
                                blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("通知书编号"), max_length=30, unique=True, null=True, blank=True)
    applicant_name = models.CharField(_("申请人"), max_length=200, blank=True)
    applicant_code = models.CharField(_("统一社会信用代码或身份证号码"), max_length=18, blank=True)
    applicant_contact = models.CharField(_("联系人"), max_length=60, blank=True)
    applicant_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    project_name = models.CharField(_("项目名称"), max_length=200, blank=True)
    project_address = models.CharField(_("项目地址"), max_length=300, blank=True)
    items = models.JSONField(_("申请事项"), default=list)  # names as printed
    materials = models.JSONField(_("收到的材料"), default=list)  # names of the materials handed in
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    reason = models.TextField(_("不予受理理由"))
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = _("不予受理通知书")
        verbose_name_plural = _("不予受理通知书")
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="window_refusal_number")]

    def __str__(self) -> str:
        return self.number or f"{self.case_id}"


class DeferredMaterial(models.Model):
    """A 容缺 material accepted missing at intake: what the applicant still owes and by when (`due_on`, working
    days after intake as the catalogue's material says, or `before_issue`: no certificate is issued without it).
    Supplying it at the window (`materials.supply`) stamps `supplied_at` once; the row is what the case page, the
    receipt, the public query, the phone line, the reminders and the issuing all read."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deferred_materials")
    code = models.CharField(_("材料编码"), max_length=40)
    name = models.CharField(_("材料名称"), max_length=200)
    due_on = models.DateField(_("补交期限"), null=True, blank=True)  # null when due before issue
    before_issue = models.BooleanField(_("发证前补交"), default=False)
    supplied_at = models.DateTimeField(_("补交时间"), null=True, blank=True)
    supplied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    supply_note = models.CharField(_("补交说明"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("容缺材料")
        verbose_name_plural = _("容缺材料")
        ordering = ["case", "before_issue", "due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="window_deferred_material_once")]
        indexes = [models.Index(fields=["supplied_at", "due_on"], name="window_deferred_owed")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.code}"

    @property
    def due(self) -> str:
        """The due point as the API says it: an ISO date or "before_issue"."""
        return "before_issue" if self.before_issue else self.due_on.isoformat()

    @property
    def due_display(self) -> str:
        return "发证前" if self.before_issue else f"{self.due_on:%Y年%m月%d日}前"
