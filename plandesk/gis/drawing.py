"""What the site-drawing map tells the person drawing: the site's area in square metres and 亩, the plan parcels it
covers, and a warning when the drawn area and the land area declared on the form disagree.

Knows nothing of cases or forms: the caller passes the layers the person may see and the declared figure. Areas are
measured in the bureau's projected CRS, as the compliance check and the case record measure them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plandesk.gis.labels import land_use_label
from plandesk.gis.models import Kind, Layer, Parcel
from plandesk.gis.query import intersecting

SQUARE_METRES_PER_MU = 10_000 / 15  # 1 亩 = 666.67 平方米
DEFAULT_AREA_TOLERANCE = 0.05  # PLANDESK_SITE_AREA_TOLERANCE: a share of the declared area
MAX_PARCELS = 50  # a site over more parcels than this is drawn wrong; the list says how many more


def area_tolerance() -> float:
    return float(getattr(settings, "PLANDESK_SITE_AREA_TOLERANCE", DEFAULT_AREA_TOLERANCE))


def area_warning(area_m2: float, declared_m2: float | None, tolerance: float | None = None) -> str:
    """A sentence when the drawn area is off the declared one by more than the tolerance; "" otherwise."""
    if declared_m2 is None or declared_m2 <= 0:
        return ""
    tolerance = area_tolerance() if tolerance is None else tolerance
    difference = abs(area_m2 - declared_m2) / declared_m2
    if difference <= tolerance:
        return ""
    return _("绘制的用地面积 %(drawn)s 平方米与申请表填写的用地面积 %(declared)s 平方米相差 %(difference)s"
             "（超过 %(tolerance)s）：请核对用地范围或申请表") % {
        "drawn": f"{area_m2:,.0f}", "declared": f"{declared_m2:,.0f}", "difference": f"{difference:.0%}",
        "tolerance": f"{tolerance:.0%}"}


# What the drawing map says, in the page's language ({name} is filled in by the script).
WORDS = {
    "corner": gettext_lazy("拐点 {n}"),
    "add_corner": gettext_lazy("拖动以增加拐点"),
    "area_none": gettext_lazy("面积：—"),
    "area": gettext_lazy("面积：{m2} 平方米（{mu} 亩）"),
    "area_about": gettext_lazy("面积：约 {m2} 平方米"),
    "parcels": gettext_lazy("涉及控规地块 {n} 块："),
    "parcel": gettext_lazy("{code} {use}：重叠 {m2} 平方米，占用地的 {share}"),
    "outside": gettext_lazy("其余 {share} 不在控规地块内（道路红线或未编制控规的用地）。"),
    "no_parcels": gettext_lazy("用地范围内没有控规地块。"),
    "done": gettext_lazy("已完成：可拖动拐点修改，或点“撤销”"),
    "start": gettext_lazy("单击地图依次添加拐点（至少 3 个）"),
    "more": gettext_lazy("继续添加拐点，或点“完成”（或第一个拐点）闭合"),
}


def words() -> dict[str, str]:
    return {key: str(text) for key, text in WORDS.items()}


@dataclass
class SiteSummary:
    area_m2: float
    area_mu: float
    parcels: list[dict] = field(default_factory=list)
    more_parcels: int = 0
    warning: str = ""
    tolerance: float = DEFAULT_AREA_TOLERANCE

    def to_dict(self) -> dict:
        return asdict(self)


def _use_text(parcel: Parcel) -> str:
    label = land_use_label(parcel.land_use, parcel.land_use_name)
    if label and parcel.land_use:
        return _("%(label)s（%(code)s）") % {"label": label, "code": parcel.land_use}
    return label or parcel.land_use


def summarize(site: MultiPolygon, layers: Iterable[Layer], declared_m2: float | None = None) -> SiteSummary:
    """The site's area and the parcels (of the given parcel layers, in force) it overlaps, largest overlap first."""
    area = round(site.area)  # whole square metres: the readout and the warning say the same figure
    tolerance = area_tolerance()
    summary = SiteSummary(area_m2=area, area_mu=round(area / SQUARE_METRES_PER_MU, 2),
                          warning=area_warning(area, declared_m2, tolerance), tolerance=tolerance)
    names = {layer.pk: layer.name for layer in layers if layer.kind == Kind.PARCEL}
    if not names:
        return summary
    found = intersecting(Parcel.objects.filter(layer_id__in=names, retired_in__isnull=True), site)
    rows = []
    for parcel in found.only("layer_id", "code", "land_use", "land_use_name", "geom"):
        overlap = parcel.geom.intersection(site).area
        if overlap <= 0:  # touching along an edge only
            continue
        rows.append({"layer": names[parcel.layer_id], "code": parcel.code, "land_use": parcel.land_use,
                     "land_use_label": land_use_label(parcel.land_use, parcel.land_use_name),
                     "land_use_text": _use_text(parcel),
                     "overlap_m2": round(overlap, 1), "share": round(overlap / site.area, 4)})
    rows.sort(key=lambda row: (-row["overlap_m2"], row["code"]))
    summary.parcels = rows[:MAX_PARCELS]
    summary.more_parcels = max(0, len(rows) - MAX_PARCELS)
    return summary
