"""Certificates (证照) and decision documents (批复、不予行政许可决定书): their types and number formats, the offices
that issue them, gap-free number counters, the documents themselves and the issuance register (发证登记).

A certificate is prepared from its case at the workflow's certificate step, checked by a second person, and numbered,
signed and issued when the case becomes ready for pick-up. Status changes only through the transition methods in
`services`, each with its audit event in the same transaction.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plandesk.audit.services import record
from plandesk.certificates.errors import CertificateError


class Kind(models.TextChoices):
    LICENCE = "licence", _("许可证")
    CERTIFICATE = "certificate", _("证书、意见书")
    APPROVAL_LETTER = "approval_letter", _("批复")
    REFUSAL = "refusal", _("不予行政许可决定书")


# What the window's pick-up calls each kind of document (window.Pickup.Document values).
PICKUP_DOCUMENT = {
    Kind.LICENCE: "certificate",
    Kind.CERTIFICATE: "certificate",
    Kind.APPROVAL_LETTER: "approval_letter",
    Kind.REFUSAL: "refusal_decision",
}

_FIELD = re.compile(r"\{([a-z_]+)(?::[^}]*)?\}")
FORMAT_FIELDS = {"area", "year", "seq"}


DOCUMENT_KINDS = ("approval_letter", "refusal")


def check_number_format(fmt: str, kind: str = "") -> str:
    """A number format must carry the area code, the year and the sequence, and nothing else. A decision document's
    number is a 发文字号 (机关代字〔年份〕序号号, GB/T 9704): the area code may be left out there."""
    names = set(_FIELD.findall(fmt or ""))
    missing = FORMAT_FIELDS - names
    if kind in DOCUMENT_KINDS:
        missing.discard("area")
    if missing:
        labels = {"area": "{area}（行政区划代码）", "year": "{year}（年份）", "seq": "{seq}（顺序号）"}
        raise ValidationError("编号格式须包含 " + "、".join(labels[m] for m in sorted(missing)))
    unknown = names - FORMAT_FIELDS
    if unknown:
        raise ValidationError("编号格式含有未知的占位符：" + "、".join(sorted(unknown)))
    try:
        sample = fmt.format(area="420100", year=2026, seq=1)
    except (ValueError, KeyError, IndexError) as exc:
        raise ValidationError(f"编号格式无法使用：{exc}") from exc
    if "/" in sample or "?" in sample or "#" in sample or len(sample) > 60:
        raise ValidationError("编号不能含有 / ? # 字符，且不超过 60 个字符")
    return sample


class CertificateType(models.Model):
    """A kind of certificate or decision document, with its national name and number format (administrators edit)."""

    code = models.SlugField(_("类型编码"), max_length=40, unique=True,
                            help_text=_("与审批事项的“证照类型”一致，如 land_use_permit"))
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.CERTIFICATE)
    number_format = models.CharField(
        _("编号格式"), max_length=80,
        help_text=_("占位符：{area} 行政区划代码，{year} 年份，{seq} 顺序号（可写 {seq:05d} 补零）"))
    preamble = models.TextField(_("证书正文"), blank=True, help_text=_("标题下的法律依据和颁发说明"))
    notes = models.TextField(_("遵守事项"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        try:
            check_number_format(self.number_format, self.kind)
        except ValidationError as exc:
            raise ValidationError({"number_format": exc.messages}) from exc

    def format_number(self, area: str, year: int, seq: int, *, own_office: bool = False) -> str:
        """The number; a 发文字号 without the area code gets it in front when an office other than the bureau
        issues in its own name, so that two offices never print the same number."""
        number = self.number_format.format(area=area, year=year, seq=seq)
        if own_office and "{area" not in self.number_format:
            number = f"{area}{number}"
        return number


class IssuingOffice(models.Model):
    """Who signs and seals: the bureau (no unit: the default) or a branch office or town with its own area code."""

    unit = models.OneToOneField("organization.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="issuing_office",
                                help_text=_("留空：本局（默认发证机关）；分局、镇等以自己名义发证时选择单位"))
    authority = models.CharField(_("发证机关名称"), max_length=100)
    area_code = models.CharField(_("行政区划代码"), max_length=6,
                                 validators=[RegexValidator(r"^\d{6}$", _("行政区划代码为 6 位数字"))])
    seal_image = models.CharField(_("印章图片路径"), max_length=300, blank=True,
                                  help_text=_("PNG 图片的文件路径；留空则按设置 PLANDESK_CERTIFICATE_SEAL"))

    class Meta:
        verbose_name = _("发证机关")
        verbose_name_plural = _("发证机关")
        constraints = [models.UniqueConstraint(fields=["unit"], condition=models.Q(unit__isnull=True),
                                               name="certificates_one_default_office")]

    def __str__(self) -> str:
        return f"{self.authority}（{self.area_code}）"


class Status(models.TextChoices):
    DRAFT = "draft", _("制作中")
    CHECKED = "checked", _("已校核")
    ISSUED = "issued", _("有效")
    VOID = "void", _("已作废")
    REPLACED = "replaced", _("已补证替换")


class CertificateQuerySet(models.QuerySet):
    def pending(self) -> CertificateQuerySet:
        return self.filter(status__in=[Status.DRAFT, Status.CHECKED])

    def numbered(self) -> CertificateQuerySet:
        return self.filter(number__isnull=False)


class Certificate(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name=_("案卷"), on_delete=models.PROTECT,
                             related_name="certificates")
    type = models.ForeignKey(CertificateType, verbose_name=_("类型"), on_delete=models.PROTECT,
                             related_name="certificates")
    office = models.ForeignKey(IssuingOffice, verbose_name=_("发证机关"), on_delete=models.PROTECT,
                               related_name="certificates")
    item_code = models.CharField(_("审批事项"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              editable=False)
    content = models.JSONField(_("证照内容"), default=dict)
    number = models.CharField(_("证号"), max_length=60, unique=True, null=True, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    payload = models.JSONField(_("签名数据"), null=True, blank=True, editable=False)
    signature = models.CharField(_("签名"), max_length=120, blank=True, editable=False)
    key_id = models.CharField(_("密钥标识"), max_length=32, blank=True, editable=False)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("制证人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    prepared_at = models.DateTimeField(_("制证时间"), default=timezone.now)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("校核人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    checked_at = models.DateTimeField(_("校核时间"), null=True, blank=True)
    check_note = models.CharField(_("校核意见"), max_length=300, blank=True)
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    replaces = models.OneToOneField("self", verbose_name=_("替换的原证"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="replaced_by")

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("证照")
        verbose_name_plural = _("证照")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["case", "status"], name="certificates_case_status")]

    def __str__(self) -> str:
        return self.number or f"{self.type.name}（{self.get_status_display()}）"

    @property
    def kind(self) -> str:
        return self.type.kind

    @property
    def is_issued(self) -> bool:
        return self.status == Status.ISSUED

    @property
    def pickup_document(self) -> str:
        return PICKUP_DOCUMENT[self.type.kind]

    # --- transitions: the only way a certificate's status changes (the caller holds the row lock) -------------------

    def _transition(self, allowed: tuple[str, ...], to: str, action: str, *, actor, refusal: str, summary: str,
                    fields: dict | None = None, before: dict | None = None, after: dict | None = None) -> None:
        if self.status not in allowed:
            raise CertificateError(409, "conflict", refusal.format(status=self.get_status_display()))
        was = self.status
        for name, value in (fields or {}).items():
            setattr(self, name, value)
        self.status = to
        self.save(update_fields=["status", *(fields or {})])
        record(action, self, before={"status": was, **(before or {})}, after={"status": to, **(after or {})},
               summary=summary, actor=actor)

    def redraft(self, changes: dict, *, actor) -> None:
        """制作中 again after an edit: the content changes, and a checked draft must be checked again."""
        before = {k: self.content.get(k) for k in changes}
        self._transition((Status.DRAFT, Status.CHECKED), Status.DRAFT, "certificates.edited", actor=actor,
                         refusal="证照已签发，不能修改；如有错误请作废后补证",
                         summary=f"{self.case.number} 修改{self.type.name}",
                         fields={"content": {**self.content, **changes}, "checked_by": None, "checked_at": None,
                                 "prepared_by": actor},
                         before=before, after=changes)

    def mark_checked(self, *, actor, note: str) -> None:
        """校核通过: 制作中 → 已校核, by a second person (the rule: rules.is_preparer)."""
        self._transition((Status.DRAFT,), Status.CHECKED, "certificates.checked", actor=actor,
                         refusal="证照当前为“{status}”，不能校核",
                         summary=f"{self.case.number} {self.type.name}校核通过",
                         fields={"checked_by": actor, "checked_at": timezone.now(), "check_note": note[:300]},
                         after={"note": note})

    def send_back(self, *, actor, note: str) -> None:
        """退回修改: stays 制作中, with the checker's note for the preparer."""
        self._transition((Status.DRAFT,), Status.DRAFT, "certificates.check_returned", actor=actor,
                         refusal="证照当前为“{status}”，不能校核",
                         summary=f"{self.case.number} {self.type.name}退回修改",
                         fields={"check_note": note[:300]}, after={"note": note})

    def mark_issued(self, *, number: str, sequence: int, year: int, issued_on, key_id: str, payload: dict,
                    signature: str, actor=None) -> None:
        """签发: numbered and signed; 制作中 or 已校核 → 有效."""
        self._transition((Status.DRAFT, Status.CHECKED), Status.ISSUED, "certificates.issued", actor=actor,
                         refusal="证照当前为“{status}”，不能签发",
                         summary=f"{self.case.number} 签发{self.type.name} {number}",
                         fields={"number": number, "sequence": sequence, "year": year, "issued_at": timezone.now(),
                                 "issued_on": issued_on, "key_id": key_id, "payload": payload,
                                 "signature": signature},
                         after={"number": number, "signature": signature})

    def void(self, *, actor, reason: str) -> None:
        """作废: 有效 → 已作废; the number stays used forever."""
        self._transition((Status.ISSUED,), Status.VOID, "certificates.voided", actor=actor,
                         refusal="证照当前为“{status}”，只有有效的证照可以作废",
                         summary=f"作废 {self.number}：{reason}",
                         fields={"void_reason": reason[:300], "voided_at": timezone.now(), "voided_by": actor},
                         after={"reason": reason})

    def revoke(self, *, actor, reason: str, decision_number: str) -> None:
        """撤销 (行政许可法第六十九条): 有效 → 已作废, by a numbered revocation decision; verification says void with
        the decision's number in the reason (the contract's statuses stay issued/void/replaced)."""
        text = f"依撤销决定 {decision_number} 撤销：{reason}"
        self._transition((Status.ISSUED,), Status.VOID, "certificates.revoked", actor=actor,
                         refusal="证照当前为“{status}”，只有有效的证照可以撤销",
                         summary=f"撤销 {self.number}（{decision_number}）：{reason}",
                         fields={"void_reason": text[:300], "voided_at": timezone.now(), "voided_by": actor},
                         after={"reason": reason, "decision_number": decision_number})

    def mark_replaced(self, *, actor, reason: str, by_number: str) -> None:
        """补证: 有效 or 已作废 → 已补证替换, pointing to the new number."""
        self._transition((Status.ISSUED, Status.VOID), Status.REPLACED, "certificates.replaced", actor=actor,
                         refusal="证照当前为“{status}”，不能补证", summary=f"{self.number} 补证为 {by_number}",
                         fields={"void_reason": self.void_reason or f"补证：{reason}"[:300],
                                 "voided_at": self.voided_at or timezone.now(), "voided_by": self.voided_by or actor},
                         after={"replaced_by": by_number, "reason": reason})


class Handover(models.Model):
    """The issuance register (发证登记): a certificate handed over at the output window, to whom, when, by whom."""

    certificate = models.ForeignKey(Certificate, verbose_name=_("证照"), on_delete=models.PROTECT,
                                    related_name="handovers")
    collector_name = models.CharField(_("领取人"), max_length=60)
    collector_id_number = models.CharField(_("领取人身份证号"), max_length=18)
    on_behalf_of = models.CharField(_("代表单位或个人"), max_length=200, blank=True)
    handed_at = models.DateTimeField(_("发放时间"), default=timezone.now)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发放人"), on_delete=models.PROTECT,
                              related_name="+")
    pickup_id = models.PositiveBigIntegerField(_("取件登记"), null=True, blank=True)

    class Meta:
        verbose_name = _("发证登记")
        verbose_name_plural = _("发证登记")
        ordering = ["-handed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["certificate"], name="certificates_handed_once")]

    def __str__(self) -> str:
        return f"{self.certificate} → {self.collector_name}"


class CommitmentOutcome(models.TextChoices):
    PENDING = "pending", _("待核查")
    CONFIRMED = "confirmed", _("承诺属实")
    FALSE = "false", _("承诺不实，已撤销")


class CommitmentCheck(models.Model):
    """事后核查: a material the applicant committed to (告知承诺) instead of handing it in, verified after the licence
    was issued, due so many working days after issue. A commitment found false revokes (撤销) the case's licences
    with a numbered decision (规撤〔2026〕1号). Outcome changes only through the transitions below, audited."""

    case = models.ForeignKey("cases.Case", verbose_name=_("案卷"), on_delete=models.PROTECT,
                             related_name="commitment_checks")
    certificate = models.ForeignKey(Certificate, verbose_name=_("证照"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="commitment_checks")
    material_code = models.CharField(_("材料编码"), max_length=40)
    material_name = models.CharField(_("承诺事项"), max_length=200)
    due_on = models.DateField(_("核查期限"))
    outcome = models.CharField(_("核查结论"), max_length=10, choices=CommitmentOutcome.choices,
                               default=CommitmentOutcome.PENDING, editable=False)
    finding = models.TextField(_("核查情况"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核查人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    decision_number = models.CharField(_("撤销决定书文号"), max_length=40, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("告知承诺事后核查")
        verbose_name_plural = _("告知承诺事后核查")
        ordering = ["outcome", "due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "material_code"], name="certificates_commitment_once")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.material_code}"

    def _settle(self, to: str, action: str, *, actor, finding: str, summary: str, fields: dict | None = None):
        if self.outcome != CommitmentOutcome.PENDING:
            raise CertificateError(409, "conflict", f"该承诺已核查（{self.get_outcome_display()}），不能重复核查")
        for name, value in {"finding": finding, "checked_by": actor, "checked_at": timezone.now(),
                            **(fields or {})}.items():
            setattr(self, name, value)
        self.outcome = to
        self.save(update_fields=["outcome", "finding", "checked_by", "checked_at", *(fields or {})])
        record(action, self, before={"outcome": CommitmentOutcome.PENDING},
               after={"outcome": to, "finding": finding, **(fields or {})}, summary=summary, actor=actor)

    def confirm(self, *, actor, finding: str) -> None:
        """核查属实: 待核查 → 承诺属实."""
        self._settle(CommitmentOutcome.CONFIRMED, "certificates.commitment_confirmed", actor=actor, finding=finding,
                     summary=f"{self.case.number} 告知承诺“{self.material_name}”核查属实")

    def find_false(self, *, actor, finding: str, decision_number: str) -> None:
        """核查不实: 待核查 → 承诺不实, with the number of the revocation decision."""
        self._settle(CommitmentOutcome.FALSE, "certificates.commitment_false", actor=actor, finding=finding,
                     summary=f"{self.case.number} 告知承诺“{self.material_name}”核查不实，撤销决定 {decision_number}",
                     fields={"decision_number": decision_number})
