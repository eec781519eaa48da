"""Words for the codes the base databases store, so that a page, a popup or a list says 居住用地 and 通信, not `R`
and `telecom`.

Land-use codes follow GB 50137-2011 (城市用地分类与规划建设用地标准): a letter for the major class, a digit for the
middle class, another for the small class. A parcel's own `land_use_name` wins when it has one; otherwise the code is
looked up, the longest known prefix first (`R21` → 二类居住用地 when R21 itself is not listed).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plandesk.gis.models import Family, Kind, Pipeline

LAND_USE = {
    "R": _("居住用地"), "R1": _("一类居住用地"), "R2": _("二类居住用地"), "R3": _("三类居住用地"),
    "A": _("公共管理与公共服务设施用地"), "A1": _("行政办公用地"), "A2": _("文化设施用地"), "A3": _("教育科研用地"),
    "A31": _("高等院校用地"), "A32": _("中等专业学校用地"), "A33": _("中小学用地"), "A4": _("体育用地"),
    "A5": _("医疗卫生用地"), "A6": _("社会福利用地"), "A7": _("文物古迹用地"), "A8": _("外事用地"),
    "A9": _("宗教用地"),
    "B": _("商业服务业设施用地"), "B1": _("商业用地"), "B2": _("商务用地"), "B3": _("娱乐康体用地"),
    "B4": _("公用设施营业网点用地"), "B9": _("其他服务设施用地"),
    "M": _("工业用地"), "M1": _("一类工业用地"), "M2": _("二类工业用地"), "M3": _("三类工业用地"),
    "W": _("物流仓储用地"), "W1": _("一类物流仓储用地"), "W2": _("二类物流仓储用地"), "W3": _("三类物流仓储用地"),
    "S": _("道路与交通设施用地"), "S1": _("城市道路用地"), "S2": _("城市轨道交通用地"), "S3": _("交通枢纽用地"),
    "S4": _("交通场站用地"), "S9": _("其他交通设施用地"),
    "U": _("公用设施用地"), "U1": _("供应设施用地"), "U2": _("环境设施用地"), "U3": _("安全设施用地"),
    "U9": _("其他公用设施用地"),
    "G": _("绿地与广场用地"), "G1": _("公园绿地"), "G2": _("防护绿地"), "G3": _("广场用地"),
    "H": _("建设用地"), "E": _("非建设用地"), "E1": _("水域"), "E2": _("农林用地"),
}

# Extra attributes (kept in a feature's JSON) that the bureau's layers carry, by their words.
ATTR_LABELS = {
    "plan": _("所属规划"), "block": _("街坊编号"), "zone": _("分区"), "status": _("状态"), "class": _("用地性质"),
    "elevation": _("高程（米）"), "investment": _("投资"), "review": _("评审"), "layer": _("图层"),
}
LAND_USE_KEYS = ("land_use", "class")

# Properties whose stored value is a code, with the words for each value.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "pipe_kind": {value: label for value, label in Pipeline.PipeKind.choices},
    "family": {value: label for value, label in Family.choices},
    "kind": {value: label for value, label in Kind.choices},
}


def land_use_label(code: str | None, name: str | None = None) -> str:
    """The land use in words: the parcel's own name if it has one, else the class the code names ("" if unknown)."""
    if name:
        return str(name)
    code = (code or "").strip().upper()
    for end in range(len(code), 0, -1):
        if code[:end] in LAND_USE:
            return str(LAND_USE[code[:end]])
    return ""


def value_label(name: str, value) -> object:
    """A property's value as a person reads it: words for coded values, the value itself otherwise."""
    if name in LAND_USE_KEYS and isinstance(value, str) and value:
        words = land_use_label(value)
        return f"{words}（{value}）" if words else value
    words = VALUE_LABELS.get(name, {}).get(value) if isinstance(value, str) else None
    return str(words) if words is not None else value


def readable(properties: dict) -> dict:
    """A feature's properties with coded values in words (for popups and search results)."""
    return {name: value_label(name, value) for name, value in properties.items()}
