"""Which office handles a case: the delegation rules of its items against the site (下放审批权限)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry

from plandesk.catalog.models import DelegationRule, Item, ItemVersion

SHARE_TIE = 0.001


class NoHandlingOffice(Exception):
    """No office handles these items at this site. `message` is Chinese, fit to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Candidate:
    rule: DelegationRule
    share: float

    @property
    def unit(self):
        return self.rule.unit


def _item_ids(items: Iterable[Item | ItemVersion | str]) -> tuple[set[int], list[str]]:
    ids: set[int] = set()
    codes: list[str] = []
    for item in items:
        if isinstance(item, ItemVersion):
            ids.add(item.item_id)
        elif isinstance(item, Item):
            ids.add(item.pk)
        else:
            codes.append(str(item))
    if codes:
        found = dict(Item.objects.filter(code__in=codes).values_list("code", "pk"))
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise NoHandlingOffice(f"未知的审批事项：{'、'.join(unknown)}")
        ids.update(found.values())
    return ids, codes


def _in_bureau_crs(site: GEOSGeometry) -> GEOSGeometry:
    if site.srid in (None, settings.PLANDESK_SRID):
        return site
    return site.transform(settings.PLANDESK_SRID, clone=True)


def _share(site: GEOSGeometry, area: GEOSGeometry) -> float:
    """How much of the site lies in `area`, 0..1: by area for polygons, by length for lines, 1/0 for points."""
    if not site.intersects(area):
        return 0.0
    if site.area > 0:
        return site.intersection(area).area / site.area
    if site.length > 0:
        return site.intersection(area).length / site.length
    return 1.0


def candidates(items: Iterable[Item | ItemVersion | str], site: GEOSGeometry) -> list[Candidate]:
    """Every rule of the items whose coverage touches the site, best first (largest share, then priority)."""
    ids, _codes = _item_ids(items)
    site = _in_bureau_crs(site)
    rules = (
        DelegationRule.objects.filter(item_id__in=ids, unit__is_active=True)
        .select_related("unit", "unit__parent", "unit__parent__parent")
        .order_by("priority", "id")
    )
    found: dict[int, Candidate] = {}
    for rule in rules:
        area = rule.coverage()
        if area is None:
            continue
        share = _share(site, area)
        if share <= 0:
            continue
        best = found.get(rule.unit_id)
        if best is None or share > best.share:
            found[rule.unit_id] = Candidate(rule, share)
    ranked = sorted(found.values(), key=lambda c: (-c.share, c.rule.priority, c.rule.pk))
    if not ranked:
        return ranked
    # Shares within a thousandth of the best count as a tie (an even split drawn on a map is never exact): priority.
    tied = [c for c in ranked if ranked[0].share - c.share <= SHARE_TIE]
    tied.sort(key=lambda c: (c.rule.priority, -c.share, c.rule.pk))
    return tied + [c for c in ranked if c not in tied]


def handling_office_for(items: Iterable[Item | ItemVersion | str], site: GEOSGeometry):
    """The unit that handles these items for this site: the largest share of the site's area, ties by priority.

    `site` is a GEOS geometry in the bureau's CRS (another SRID is transformed). Raises NoHandlingOffice.
    """
    return routed(items, site)[0].unit


def routed(items: Iterable[Item | ItemVersion | str], site: GEOSGeometry) -> list[Candidate]:
    """`candidates` for routing: best first and never empty; raises NoHandlingOffice with the reason."""
    items = list(items)
    if not items:
        raise NoHandlingOffice("未选择审批事项，无法确定受理机关")
    if site is None or site.empty:
        raise NoHandlingOffice("项目用地范围为空，无法确定受理机关")
    found = candidates(items, site)
    if not found:
        raise NoHandlingOffice("项目用地不在本局及其派出机构受理所选事项的任何辖区内，请核对用地范围或所选事项")
    return found
