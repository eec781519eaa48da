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
    return (f"绘制的用地面积 {area_m2:,.0f} 平方米与申请表填写的用地面积 {declared_m2:,.0f} 平方米相差 "
            f"{difference:.0%}（超过 {tolerance:.0%}）：请核对用地范围或申请表")


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
                     "overlap_m2": round(overlap, 1), "share": round(overlap / site.area, 4)})
    rows.sort(key=lambda row: (-row["overlap_m2"], row["code"]))
    summary.parcels = rows[:MAX_PARCELS]
    summary.more_parcels = max(0, len(rows) - MAX_PARCELS)
    return summary
