"""Certificate types (证照种类) and issuing offices: the defaults, and which office issues a case's documents."""

from __future__ import annotations

import logging

from django.conf import settings

from plandesk.audit.services import record
from plandesk.cases.models import Case
from plandesk.certificates.models import (
    CertificateType,
    IssuingOffice,
    Kind,
)

APPROVAL_LETTER = "approval_letter"
REFUSAL_DECISION = "refusal_decision"
PREPARE_STEPS = ("prepare_certificate", "prepare_refusal")
# The second person's check (证件校核) that follows each certificate step in the shipped processes.
CHECK_STEPS = ("check_certificate", "check_refusal")
PAYLOAD_VERSION = 1
log = logging.getLogger(__name__)


# --- types and offices ---------------------------------------------------------------------------------------------

# code: (name, kind, number format, preamble)
DEFAULT_TYPES: dict[str, tuple[str, str, str, str]] = {
    "land_use_permit": ("建设用地规划许可证", Kind.LICENCE, "地字第{area}{year}{seq:05d}号",
                        "根据《中华人民共和国城乡规划法》第三十七条、第三十八条规定，经审核，本用地项目符合城乡规划要求，"
                        "颁发此证。"),
    "construction_permit": ("建设工程规划许可证", Kind.LICENCE, "建字第{area}{year}{seq:05d}号",
                            "根据《中华人民共和国城乡规划法》第四十条规定，经审核，本建设工程符合城乡规划要求，颁发此证。"),
    "site_selection": ("建设项目选址意见书", Kind.CERTIFICATE, "选字第{area}{year}{seq:05d}号",
                       "根据《中华人民共和国城乡规划法》第三十六条规定，经审核，本建设项目符合城乡规划要求，"
                       "核发此书。"),
    "rural_permit": ("乡村建设规划许可证", Kind.LICENCE, "乡字第{area}{year}{seq:05d}号",
                     "根据《中华人民共和国城乡规划法》第四十一条规定，经审核，本建设工程符合城乡规划要求，颁发此证。"),
    "verification": ("建设工程规划条件核实合格证", Kind.CERTIFICATE, "核字第{area}{year}{seq:05d}号",
                     "根据《中华人民共和国城乡规划法》第四十五条规定，经核实，本建设工程符合规划条件，核发此证。"),
    "temporary_permit": ("临时建设工程规划许可证", Kind.LICENCE, "临建字第{area}{year}{seq:05d}号",
                         "根据《中华人民共和国城乡规划法》第四十四条规定，经审核，准予临时建设，颁发此证。"),
    "pipeline_permit": ("建设工程规划许可证（市政管线）", Kind.LICENCE, "建管字第{area}{year}{seq:05d}号",
                        "根据《中华人民共和国城乡规划法》第四十条规定，经审核，本市政管线工程符合城乡规划要求，"
                        "颁发此证。"),
    "scheme_approval": ("建设工程设计方案审查意见书", Kind.CERTIFICATE, "方审字第{area}{year}{seq:05d}号",
                        "经审查，本建设工程设计方案符合规划条件，提出审查意见如下。"),
    "planning_conditions": ("规划条件通知书", Kind.CERTIFICATE, "规条字第{area}{year}{seq:05d}号",
                            "根据《中华人民共和国城乡规划法》第三十八条规定，提出本地块规划条件如下。"),
    "setting_out": ("建设工程放线验线记录册", Kind.CERTIFICATE, "放验字第{area}{year}{seq:05d}号",
                    "经现场核验，本建设工程放线、验线符合建设工程规划许可要求。"),
    "historic_building": ("历史建筑修缮审批意见书", Kind.CERTIFICATE, "历建字第{area}{year}{seq:05d}号",
                          "根据《历史文化名城名镇名村保护条例》第三十五条规定，经审查，同意按下列要求实施。"),
    # Decision documents carry a 发文字号 in the national style (机关代字〔年份〕序号号, no leading zeros).
    APPROVAL_LETTER: ("批复", Kind.APPROVAL_LETTER, "规批〔{year}〕{seq}号", ""),
    REFUSAL_DECISION: ("不予行政许可决定书", Kind.REFUSAL, "规不许〔{year}〕{seq}号",
                       "根据《中华人民共和国行政许可法》第三十八条第二款规定，本机关决定不予许可。"),
}

LICENCE_NOTES = ("一、本证是经城乡规划主管部门依法审核，建设用地或建设工程符合城乡规划要求的法律凭证。\n"
                 "二、未取得本证或者违反本证规定的，均属违法行为。\n"
                 "三、未经发证机关审核同意，本证的各项规定不得随意变更。\n"
                 "四、本证所需附图与附件由发证机关依法确定，与本证具有同等法律效力。")


# Formats an earlier release created, replaced by the current default unless an administrator changed them.
OLD_FORMATS = {APPROVAL_LETTER: "规批〔{year}〕{area}第{seq:05d}号",
               REFUSAL_DECISION: "规不许〔{year}〕{area}第{seq:05d}号"}


def ensure_types() -> None:
    """Create the default types that do not exist yet (administrators may then edit them)."""
    for code, (name, kind, fmt, preamble) in DEFAULT_TYPES.items():
        CertificateType.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "number_format": fmt, "preamble": preamble,
            "notes": LICENCE_NOTES if kind == Kind.LICENCE else ""})
    for code, old in OLD_FORMATS.items():
        for row in CertificateType.objects.filter(code=code, number_format=old):
            row.number_format = DEFAULT_TYPES[code][2]
            row.save(update_fields=["number_format"])
            record("certificates.type_format_updated", row, before={"number_format": old},
                   after={"number_format": row.number_format}, summary=f"{row.name}编号改为发文字号格式")


def type_for(code: str) -> CertificateType:
    found = CertificateType.objects.filter(code=code).first()
    if found is None:
        ensure_types()
        found = CertificateType.objects.filter(code=code).first()
    if found is None:
        from plandesk.catalog.codes import CERTIFICATE_TYPES

        found, _created = CertificateType.objects.get_or_create(code=code, defaults={
            "name": CERTIFICATE_TYPES.get(code, code), "kind": Kind.CERTIFICATE,
            "number_format": "证字第{area}{year}{seq:05d}号"})
    return found


def office_for(case: Case) -> IssuingOffice:
    """The issuing office of a case: the nearest unit up from its handling office that issues in its own name,
    else the bureau (the default office, created from the settings on first use)."""
    unit = case.handling_office
    chain = unit.ancestors(include_self=True) if unit is not None else []
    offices = {o.unit_id: o for o in IssuingOffice.objects.filter(unit__in=[u.pk for u in chain])}
    for u in chain:
        if u.pk in offices:
            return offices[u.pk]
    office = IssuingOffice.objects.filter(unit__isnull=True).first()
    if office is None:
        office, _created = IssuingOffice.objects.get_or_create(unit=None, defaults={
            "authority": settings.PLANDESK_BUREAU_NAME,
            "area_code": getattr(settings, "PLANDESK_AREA_CODE", "420100")})
    return office
