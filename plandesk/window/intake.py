"""Checking an application as it arrives at the intake window: every field from outside, each fault named.

`validate(data, files)` returns a `CleanApplication` or raises `IntakeInvalid` with one message per bad field
(`fields`: [{"field": "applicant.credit_code", "message": "..."}]). Nothing is written here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from plandesk.catalog.models import Item, ItemVersion, Requirement
from plandesk.catalog.schemas import form_errors
from plandesk.gis.geometry import GeometryError, parse_site
from plandesk.window import storage
from plandesk.window.identity import IdentityError, validate_id_number, validate_mobile, validate_uscc

# 容缺受理: a material that may be missing is due this many working days after filing, unless its catalogue entry
# says otherwise (Material.due_days, or due_before_issue).
DEFERRABLE_DAYS = 5
REQUIREMENT_RANK = {Requirement.REQUIRED: 0, Requirement.DEFERRABLE: 1, Requirement.COMMITMENT: 2,
                    Requirement.CONDITIONAL: 3}


class MaterialState:
    RECEIVED = "received"  # 已收
    DEFERRED = "deferred"  # 容缺，待补交
    COMMITTED = "committed"  # 已签告知承诺书
    NOT_APPLICABLE = "not_applicable"  # 视情形，本案不涉及
    LABELS = {"received": "已收", "deferred": "容缺受理，待补交", "committed": "告知承诺（已签承诺书）",
              "not_applicable": "不涉及"}


# What the intake page calls each field (the API's `field` keys stay as they are; people read these).
FIELD_LABELS = {
    "body": "申请", "items": "审批事项",
    "applicant": "申请人", "applicant.name": "申请单位或申请人姓名", "applicant.credit_code": "统一社会信用代码",
    "applicant.id_number": "居民身份证号码", "applicant.contact": "联系人", "applicant.phone": "手机号码",
    "project": "项目", "project.name": "项目名称", "project.address": "项目地址",
    "project.site": "用地范围（用地红线）", "project.handling_office": "受理机关",
    "forms": "申请表", "materials": "申请材料", "idempotency_key": "表单编号（防重复提交）",
    "reason": "不予受理的理由",
}


def field_label(key: str, versions: list[ItemVersion] | None = None) -> str:
    """The Chinese label of an error's field key: `applicant.credit_code` → 统一社会信用代码,
    `forms.<item>.<name>` → the form field's title, `materials.<code>` → the material's name."""
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    head, _dot, rest = key.partition(".")
    versions = versions or []
    if head == "items":
        return FIELD_LABELS["items"]
    if head == "forms" and rest:
        code, _dot, path = rest.partition(".")
        version = next((v for v in versions if v.item.code == code), None)
        form_name = version.name if version else ""
        if not path:
            return f"{form_name}申请表" if form_name else FIELD_LABELS["forms"]
        prop = ((version.form_schema or {}).get("properties") or {}).get(path.split(".")[0]) if version else None
        title = prop.get("title") if isinstance(prop, dict) else None
        return str(title) if title else f"{form_name or FIELD_LABELS['forms']}中的一项"
    if head == "materials" and rest:
        names = {m["code"]: m["name"] for m in checklist(versions)}
        return names.get(rest, FIELD_LABELS["materials"])
    return FIELD_LABELS.get(head, "申请")


class IntakeInvalid(Exception):
    def __init__(self, fields: list[dict], versions: list[ItemVersion] | None = None):
        self.fields = fields
        self.message = "申请有误，未受理：" + "；".join(f"{field_label(f['field'], versions)}：{f['message']}"
                                                  for f in fields)
        super().__init__(self.message)


@dataclass
class CleanApplication:
    versions: list[ItemVersion]
    applicant: dict
    project: dict
    site: object  # MultiPolygon in the bureau's CRS
    forms: dict
    materials: list[dict]  # the checklist as stored on the case
    files: dict[str, list[tuple[object, str]]] = field(default_factory=dict)  # code -> [(upload, kind)]
    idempotency_key: str | None = None


def _text(value, max_length: int) -> str | None:
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return " ".join(value.split())[:max_length + 1]


class _Errors:
    def __init__(self):
        self.fields: list[dict] = []

    def add(self, name: str, message: str) -> None:
        self.fields.append({"field": name, "message": message})

    def text(self, data: dict, key: str, prefix: str, label: str, max_length: int, required: bool = True) -> str:
        value = _text(data.get(key), max_length)
        if value is None:
            self.add(f"{prefix}.{key}", f"“{label}”须为文字")
            return ""
        if required and not value:
            self.add(f"{prefix}.{key}", f"“{label}”为必填项")
        elif len(value) > max_length:
            self.add(f"{prefix}.{key}", f"“{label}”过长（至多 {max_length} 个字符）")
        return value


def _versions(items, errors: _Errors) -> list[ItemVersion]:
    if not isinstance(items, list) or not items:
        errors.add("items", "请至少选择一个审批事项")
        return []
    codes = []
    for i, code in enumerate(items):
        if not isinstance(code, str) or not code.strip():
            errors.add(f"items.{i}", "事项编码须为文字")
            continue
        if code in codes:
            errors.add(f"items.{i}", f"事项“{code}”重复")
            continue
        codes.append(code.strip())
    found = {i.code: i for i in Item.objects.published().filter(code__in=codes)}
    for code in codes:
        if code not in found:
            errors.add("items", f"未知或已停办的审批事项：{code}")
    versions = [found[c].current for c in codes if c in found]
    if len(versions) > 1:
        groups = {v.parallel_group_id for v in versions}
        if None in groups or len(groups) != 1:
            errors.add("items", "多个事项只能作为同一并联审批组一并申请（如选址意见书与设计方案审查）；"
                                "其他事项请分别申请")
    return versions


def _applicant(data, errors: _Errors) -> dict:
    if not isinstance(data, dict):
        errors.add("applicant", "须填写申请人信息")
        return {}
    p = "applicant"
    name = errors.text(data, "name", p, "申请人名称", 200)
    contact = errors.text(data, "contact", p, "联系人", 60)
    credit_code = _text(data.get("credit_code"), 18) or ""
    id_number = _text(data.get("id_number"), 18) or ""
    if not credit_code and not id_number:
        errors.add("applicant.credit_code", "单位申请须填统一社会信用代码，个人申请须填居民身份证号码，二者至少填一项")
    if credit_code:
        try:
            credit_code = validate_uscc(credit_code)
        except IdentityError as exc:
            errors.add("applicant.credit_code", str(exc))
    if id_number:
        try:
            id_number = validate_id_number(id_number)
        except IdentityError as exc:
            errors.add("applicant.id_number", str(exc))
    phone = _text(data.get("phone"), 30) or ""
    if not phone:
        errors.add("applicant.phone", "“联系电话（手机）”为必填项")
    else:
        try:
            phone = validate_mobile(phone)
        except IdentityError as exc:
            errors.add("applicant.phone", str(exc))
    return {"applicant_name": name, "applicant_credit_code": credit_code, "applicant_id_number": id_number,
            "applicant_contact": contact, "applicant_phone": phone}


def _project(data, errors: _Errors):
    if not isinstance(data, dict):
        errors.add("project", "须填写项目信息")
        return {}, None
    name = errors.text(data, "name", "project", "项目名称", 200)
    address = errors.text(data, "address", "project", "项目地址", 300)
    site = None
    raw = data.get("site")
    if raw in (None, "", {}):
        errors.add("project.site", "须绘制或上传项目用地范围（用地红线）")
    else:
        try:
            site = parse_site(raw)
        except GeometryError as exc:
            errors.add("project.site", exc.message)
    return {"project_name": name, "project_address": address}, site


def _forms(data, versions: list[ItemVersion], errors: _Errors) -> dict:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        errors.add("forms", "申请表须为对象：{事项编码: {...}}")
        return {}
    wanted = {v.item.code: v for v in versions}
    for code in data:
        if code not in wanted:
            errors.add(f"forms.{code}", "所申请的事项中没有这一项，不应附其申请表")
    clean = {}
    for code, version in wanted.items():
        form = data.get(code)
        if form is None:
            errors.add(f"forms.{code}", f"缺少“{version.name}”的申请表")
            continue
        if not isinstance(form, dict):
            errors.add(f"forms.{code}", f"“{version.name}”的申请表须为对象")
            continue
        for path, message in form_errors(version.form_schema or {"type": "object"}, form).items():
            errors.add(f"forms.{code}.{path}", message)
        clean[code] = form
    return clean


def checklist(versions: list[ItemVersion]) -> list[dict]:
    """The materials of the items, each once (a parallel group shares its common ones), strictest requirement."""
    rows: dict[str, dict] = {}
    for version in versions:
        for m in version.materials_list:
            row = rows.get(m.code)
            if row is None or REQUIREMENT_RANK.get(m.requirement, 9) < REQUIREMENT_RANK.get(row["requirement"], 9):
                rows[m.code] = {"code": m.code, "name": m.name, "requirement": m.requirement, "original": m.original,
                                "copies": m.copies, "note": m.note, "due_days": m.due_days,
                                "due_before_issue": m.due_before_issue}
            elif m.requirement == row["requirement"] == Requirement.DEFERRABLE:
                # One material owed for two items of a group: the stricter due point of the two.
                row["due_before_issue"] = row["due_before_issue"] and m.due_before_issue
                row["due_days"] = min(row["due_days"], m.due_days)
    return list(rows.values())


def _materials(data, files: dict, versions: list[ItemVersion], errors: _Errors, today: date):
    from plandesk.workdays import calendar

    rows = checklist(versions)
    known = {r["code"]: r for r in rows}
    provided: dict[str, bool] = {}
    if data is None:
        data = []
    if not isinstance(data, list):
        errors.add("materials", "材料清单须为列表：[{\"code\", \"provided\"}]")
        data = []
    for i, entry in enumerate(data):
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            errors.add(f"materials.{i}", "每项材料须有编码（code）和是否提交（provided）")
            continue
        code = entry["code"]
        if code not in known:
            errors.add(f"materials.{code}", "所申请事项的材料清单中没有这一项")
            continue
        if code in provided:
            errors.add(f"materials.{code}", "材料重复列出")
            continue
        value = entry.get("provided", False)
        if not isinstance(value, bool):
            errors.add(f"materials.{code}", "“provided”须为 true 或 false")
            continue
        provided[code] = value
    checked_files: dict[str, list[tuple[object, str]]] = {}
    for code, uploads in (files or {}).items():
        if code not in known:
            errors.add(f"materials.{code}", "所申请事项的材料清单中没有这一项")
            continue
        for upload in uploads:
            try:
                checked_files.setdefault(code, []).append((upload, storage.check(upload)))
            except storage.FileRefused as exc:
                errors.add(f"materials.{code}", exc.message)
        if checked_files.get(code):
            provided[code] = True
    result = []
    for row in rows:
        code, requirement = row["code"], row["requirement"]
        state, due = MaterialState.RECEIVED, None
        if not provided.get(code):
            if requirement == Requirement.REQUIRED:
                errors.add(f"materials.{code}", f"“{row['name']}”为必交材料，缺少时不能受理")
            elif requirement == Requirement.DEFERRABLE:
                # Due so many working days after intake as the catalogue says, or (due_date null) before issue.
                state = MaterialState.DEFERRED
                if not row.get("due_before_issue"):
                    due = calendar.add_working_days(today, row.get("due_days") or DEFERRABLE_DAYS)
            elif requirement == Requirement.COMMITMENT:
                state = MaterialState.COMMITTED
            else:
                state = MaterialState.NOT_APPLICABLE
        result.append({**row, "state": state, "due_date": due.isoformat() if due else None})
    return result, checked_files


def _route(versions, site, data, errors: _Errors, project: dict, choose_when_split: bool) -> None:
    """The handling office: the jurisdiction holding most of the site, or the clerk's choice among those holding it.

    A site split between jurisdictions (another office holds at least the split share) is sent back to a clerk at
    the intake page to choose, with the shares; an integrator who names no office gets the largest share."""
    from plandesk.cases.compliance import split_share
    from plandesk.catalog.services import NoHandlingOffice, routed

    try:
        found = routed(versions, site)  # the shares are computed once, for the choice and the default alike
    except NoHandlingOffice as exc:
        errors.add("project.site", exc.message)
        return
    project["handling_office"] = found[0].unit
    offered = {c.unit.code: c for c in found}
    choices = [{"code": c.unit.code, "name": c.unit.name, "share": round(c.share, 4)} for c in found]
    listed = "、".join(f"{c['name']}（{c['code']}）{c['share']:.0%}" for c in choices)
    chosen = data.get("handling_office") if isinstance(data, dict) else None
    if chosen not in (None, ""):
        if not isinstance(chosen, str) or chosen not in offered:
            errors.fields.append({"field": "project.handling_office", "choices": choices,
                                  "message": f"所选受理机关不是该用地所在辖区的受理机关；可选：{listed}"})
            return
        project["handling_office"] = offered[chosen].unit
    elif choose_when_split and len(found) > 1 and found[1].share >= split_share():
        errors.fields.append({"field": "project.handling_office", "choices": choices,
                              "message": f"项目用地跨越多个辖区，请选择受理机关：{listed}"})


def validate(data: dict, files: dict | None = None, *, now=None, choose_when_split: bool = False) -> CleanApplication:
    errors = _Errors()
    if not isinstance(data, dict):
        raise IntakeInvalid([{"field": "body", "message": "请求体须为 JSON 对象"}])
    today = timezone.localdate(now or timezone.now())
    versions = _versions(data.get("items"), errors)
    applicant = _applicant(data.get("applicant"), errors)
    project, site = _project(data.get("project"), errors)
    forms = _forms(data.get("forms"), versions, errors) if versions else {}
    materials, checked = _materials(data.get("materials"), files or {}, versions, errors, today) if versions \
        else ([], {})
    key = data.get("idempotency_key")
    if key is not None and (not isinstance(key, str) or not key.strip() or len(key) > 100):
        errors.add("idempotency_key", "幂等键须为 1–100 个字符的文字")
    if site is not None and versions and not errors.fields:
        _route(versions, site, data.get("project"), errors, project, choose_when_split)
    if errors.fields:
        raise IntakeInvalid(errors.fields, versions)
    return CleanApplication(versions=versions, applicant=applicant, project=project, site=site, forms=forms,
                            materials=materials, files=checked, idempotency_key=key.strip() if key else None)


@dataclass
class CleanRefusal:
    versions: list[ItemVersion]
    applicant: dict
    project: dict
    materials: list[str]  # names of the materials handed in
    reason: str
    idempotency_key: str | None = None


def validate_refusal(data: dict) -> CleanRefusal:
    """An application refused at the window before registration (不予受理): the notice must name the applicant, the
    item and the reason; identifiers are checked when given (a wrong one may be the very reason to refuse, so it is
    not required), the site and the forms are not asked for. IntakeInvalid names each bad field."""
    errors = _Errors()
    if not isinstance(data, dict):
        raise IntakeInvalid([{"field": "", "message": "申请须为 JSON 对象"}])
    versions = _versions(data.get("items"), errors)
    applicant = data.get("applicant")
    if not isinstance(applicant, dict):
        errors.add("applicant", "须填写申请人信息")
        applicant = {}
    name = errors.text(applicant, "name", "applicant", "申请人名称", 200)
    contact = errors.text(applicant, "contact", "applicant", "联系人", 60, required=False)
    code = ""
    for key, check in (("credit_code", validate_uscc), ("id_number", validate_id_number)):
        raw = _text(applicant.get(key), 18) or ""
        if raw and not code:
            try:
                code = check(raw)
            except IdentityError as exc:
                errors.add(f"applicant.{key}", str(exc))
    phone = _text(applicant.get("phone"), 30) or ""
    if phone:
        try:
            phone = validate_mobile(phone)
        except IdentityError as exc:
            errors.add("applicant.phone", str(exc))
    project = data.get("project")
    if not isinstance(project, dict):
        errors.add("project", "须填写项目信息")
        project = {}
    project_name = errors.text(project, "name", "project", "项目名称", 200)
    address = errors.text(project, "address", "project", "项目地址", 300, required=False)
    reason = data.get("reason")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        errors.add("reason", "请写明不予受理的理由")
    elif len(reason) > 2000:
        errors.add("reason", "不予受理的理由过长（至多 2000 个字符）")
    names = {m["code"]: m["name"] for m in checklist(versions)}
    received = []
    materials = data.get("materials") or []
    if not isinstance(materials, list):
        errors.add("materials", "材料清单须为列表")
        materials = []
    for entry in materials:
        if isinstance(entry, dict) and entry.get("provided") is True:
            if entry.get("code") not in names:
                errors.add("materials", f"未知的材料：{str(entry.get('code'))[:40]}")
            else:
                received.append(names[entry["code"]])
    key = data.get("idempotency_key")
    if key is not None and (not isinstance(key, str) or not key.strip() or len(key) > 100):
        errors.add("idempotency_key", "幂等键须为 1–100 个字符的文字")
    if errors.fields:
        raise IntakeInvalid(errors.fields, versions)
    return CleanRefusal(versions=versions, reason=reason, materials=received, idempotency_key=key or None,
                        applicant={"applicant_name": name, "applicant_code": code, "applicant_contact": contact,
                                   "applicant_phone": phone},
                        project={"project_name": project_name, "project_address": address})
