"""Application forms as JSON Schema (Draft 2020-12): checking a schema, checking a form, building schemas.

Project figures that the GIS compliance check reads carry the same property names in every item's form
(`INDICATORS`), so `gis` can find them without knowing the item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Property name -> (Chinese title, unit, JSON type). The GIS compliance check compares these with the plan.
INDICATORS: dict[str, tuple[str, str, str]] = {
    "land_area_m2": ("用地面积", "平方米", "number"),
    "total_floor_area_m2": ("总建筑面积", "平方米", "number"),
    "floor_area_ratio": ("容积率", "", "number"),
    "building_density_pct": ("建筑密度", "%", "number"),
    "height_m": ("建筑高度", "米", "number"),
    "green_ratio_pct": ("绿地率", "%", "number"),
    "land_use_class": ("用地性质", "", "string"),
}

# Land use classes of GB 50137-2011 (城市用地分类与规划建设用地标准), major classes.
LAND_USE_CLASSES: dict[str, str] = {
    "R": "居住用地",
    "A": "公共管理与公共服务设施用地",
    "B": "商业服务业设施用地",
    "M": "工业用地",
    "W": "物流仓储用地",
    "S": "道路与交通设施用地",
    "U": "公用设施用地",
    "G": "绿地与广场用地",
}

_KEYWORDS_ZH = {
    "type": "类型（type）",
    "required": "必填项（required）",
    "properties": "属性定义（properties）",
    "enum": "枚举（enum）",
    "minimum": "最小值（minimum）",
    "maximum": "最大值（maximum）",
    "items": "数组元素（items）",
    "$schema": "$schema",
}


def _where(path) -> str:
    parts = [str(part) for part in path]
    return "/".join(parts) if parts else "根"


_JSON_TYPES_ZH = {
    "object": "对象", "array": "数组", "string": "字符串", "number": "数字", "integer": "整数",
    "boolean": "布尔值", "null": "null",
}


def _schema_error_zh(exc: SchemaError) -> str:
    where = _where(exc.path)
    path = list(exc.path)
    if path and path[-1] == "type":
        return (
            f"位置“{where}”的类型 {exc.instance!r} 不存在，"
            "应为 object、array、string、number、integer、boolean、null 之一"
        )
    if exc.validator == "type":
        wanted = exc.validator_value if isinstance(exc.validator_value, list) else [exc.validator_value]
        names = "或".join(_JSON_TYPES_ZH.get(str(w), str(w)) for w in wanted)
        return f"位置“{where}”的值须为{names}，当前为 {exc.instance!r}"
    if exc.validator == "uniqueItems":
        return f"位置“{where}”的列表有重复项"
    if exc.validator == "minItems":
        return f"位置“{where}”的列表不能为空"
    keyword = _KEYWORDS_ZH.get(str(exc.validator), str(exc.validator))
    return f"位置“{where}”的{keyword}不合规范（{exc.message}）"


def schema_errors(schema: Any) -> list[str]:
    """Why `schema` is not a usable application form schema, in Chinese; empty when it is."""
    if not isinstance(schema, dict):
        return ["申请表结构须为 JSON 对象（{...}），不能是数组、字符串或数字"]
    declared = schema.get("$schema")
    if declared not in (None, DRAFT):
        return [f"仅支持 JSON Schema Draft 2020-12（$schema 应为 {DRAFT}），当前为：{declared}"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [f"申请表结构不是有效的 JSON Schema（Draft 2020-12）：{_schema_error_zh(exc)}"]
    problems = []
    if schema.get("type") != "object":
        problems.append("申请表结构的顶层须为对象：请设置 \"type\": \"object\"")
    properties = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in properties:
            problems.append(f"必填项“{name}”在 properties 中没有定义")
    for name, prop in properties.items():
        if isinstance(prop, dict) and not prop.get("title"):
            problems.append(f"属性“{name}”缺少中文标题（title）")
    return problems


def form_errors(schema: dict, form: Any) -> dict[str, str]:
    """Check an application form against its schema: {field path: Chinese message}; empty when valid."""
    validator = Draft202012Validator(schema)
    properties = schema.get("properties", {})
    errors: dict[str, str] = {}
    for error in sorted(validator.iter_errors(form), key=lambda e: list(map(str, e.absolute_path))):
        path = [str(part) for part in error.absolute_path]
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for name in sorted(set(error.instance) - allowed):
                errors.setdefault(".".join([*path, name]), f"“{name}”不是本申请表的栏目")
            continue
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path = [*path, missing]
        field = ".".join(path) or "form"
        title = properties.get(path[0], {}).get("title", path[0]) if path else "申请表"
        errors.setdefault(field, _form_message(error, title))
    return errors


def _form_message(error, title: str) -> str:
    rule = error.validator
    value = error.validator_value
    if rule == "required":
        return f"“{title}”为必填项"
    if rule == "type":
        kinds = {
            "number": "数字", "integer": "整数", "string": "文字",
            "boolean": "是/否", "object": "对象", "array": "列表",
        }
        wanted = "或".join(kinds.get(v, v) for v in (value if isinstance(value, list) else [value]))
        return f"“{title}”须为{wanted}"
    if rule in ("minimum", "exclusiveMinimum"):
        return f"“{title}”不得小于{'或等于' if rule == 'exclusiveMinimum' else ''} {value}"
    if rule in ("maximum", "exclusiveMaximum"):
        return f"“{title}”不得大于{'或等于' if rule == 'exclusiveMaximum' else ''} {value}"
    if rule == "enum":
        return f"“{title}”须为下列之一：{'、'.join(map(str, value))}"
    if rule in ("minLength", "maxLength"):
        return f"“{title}”长度须{'至少' if rule == 'minLength' else '至多'} {value} 个字符"
    if rule == "pattern":
        return f"“{title}”格式不正确"
    return f"“{title}”不符合要求（{error.message}）"


# --- building the items' schemas -------------------------------------------------------------------------------


def text(title: str, *, max_length: int = 200, description: str = "") -> dict:
    prop = {"type": "string", "title": title, "minLength": 1, "maxLength": max_length}
    if description:
        prop["description"] = description
    return prop


def number(title: str, *, unit: str = "", minimum: float = 0, maximum: float | None = None, exclusive=False) -> dict:
    prop: dict[str, Any] = {"type": "number", "title": f"{title}（{unit}）" if unit else title}
    prop["exclusiveMinimum" if exclusive else "minimum"] = minimum
    if maximum is not None:
        prop["maximum"] = maximum
    return prop


def integer(title: str, *, unit: str = "", minimum: int = 0) -> dict:
    return {"type": "integer", "title": f"{title}（{unit}）" if unit else title, "minimum": minimum}


def choice(title: str, options: dict[str, str]) -> dict:
    """A closed list: codes in `enum`, their Chinese labels in `x-labels` (for forms and the PDF)."""
    return {
        "type": "string",
        "title": title,
        "enum": list(options),
        "x-labels": dict(options),
    }


def boolean(title: str) -> dict:
    return {"type": "boolean", "title": title}


def date(title: str) -> dict:
    return {"type": "string", "title": title, "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def indicator(name: str, *, maximum: float | None = None) -> dict:
    title, unit, _kind = INDICATORS[name]
    if name == "land_use_class":
        return choice(title, LAND_USE_CLASSES)
    if name.endswith("_pct"):
        maximum = 100 if maximum is None else maximum
    prop = number(title, unit=unit, minimum=0, maximum=maximum, exclusive=name in {"land_area_m2"})
    prop["x-indicator"] = True
    return prop


def form_schema(title: str, properties: dict[str, dict], required: list[str]) -> dict:
    return {
        "$schema": DRAFT,
        "title": title,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


# --- reading a schema back as the rows of a form (guide page, blank PDF) -----------------------------------------

_KIND_LABELS = {"number": "数字", "integer": "整数", "string": "文字", "boolean": "是/否"}


@dataclass(frozen=True)
class FormField:
    name: str
    title: str
    kind: str  # JSON type
    required: bool
    options: tuple[str, ...] = ()  # Chinese labels of a closed list
    indicator: bool = False  # a project figure the GIS compliance check reads
    hint: str = ""

    @property
    def kind_label(self) -> str:
        if self.options:
            return "单选"
        if self.hint == "date":
            return "日期"
        return _KIND_LABELS.get(self.kind, self.kind)


def form_fields(schema: dict) -> list[FormField]:
    """The top-level fields of an application form schema, in order, for people to read."""
    required = set(schema.get("required", []))
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        labels = prop.get("x-labels") or {}
        options = tuple(labels.get(str(v), str(v)) for v in prop.get("enum", []))
        kind = prop.get("type", "string")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        if kind == "boolean":
            options = ("是", "否")
        rows.append(
            FormField(
                name=name,
                title=str(prop.get("title") or name),
                kind=kind,
                required=name in required,
                options=options,
                indicator=bool(prop.get("x-indicator")) or name in INDICATORS,
                hint=str(prop.get("format", "")),
            )
        )
    return rows
