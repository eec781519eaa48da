"""`{% load compliance %}{% case_compliance case %}`: the site compliance check of a case for its workspace — the
latest result (parcels, indicator checks, conflicts, jurisdiction shares), a map, the report PDFs of every run, the
re-run button and a drafted opinion. Renders nothing for a case without a site."""

from __future__ import annotations

import json

from django import template

from plandesk.cases import compliance
from plandesk.gis.geometry import to_geojson
from plandesk.workflow.overrides import count_overrides

register = template.Library()

LIGHTS = {"pass": "green", "review": "yellow", "fail": "red"}


def _map_data(case, check, conflicts) -> str:
    features = [{"type": "Feature", "properties": {"role": "site", "label": "用地范围"},
                 "geometry": to_geojson(case.site)}]
    for parcel in check.result.get("parcels", []):
        if parcel.get("geometry"):
            features.append({"type": "Feature", "geometry": parcel["geometry"], "properties": {
                "role": "parcel", "label": f"{parcel['code']} {parcel['land_use']}"}})
    for conflict in conflicts:
        if conflict.get("geometry"):
            features.append({"type": "Feature", "geometry": conflict["geometry"], "properties": {
                "role": "conflict", "label": f"{conflict['name']} {conflict['feature']}"}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _is_handler_step(task) -> bool:
    """The lead handler's step (经办): his empty opinion field starts from the drafted text."""
    post = getattr(task, "post", None)
    return post is not None and post.function == "handler" and not (task.draft or {}).get("opinion")


@register.inclusion_tag("workflow/_compliance.html", takes_context=True)
def case_compliance(context, case):
    if case is None or case.site is None:
        return {"case": None}
    request = context.get("request")
    user = getattr(request, "user", None)
    runs = list(case.compliance_checks.select_related("computed_by").order_by("-number"))
    check = runs[0] if runs else None
    data = {"case": case, "check": check, "runs": runs, "request": request}
    if check is not None:
        conflicts = compliance.conflicts_for(check, user)
        data.update({
            "light": LIGHTS[check.verdict], "parcels": check.result.get("parcels", []),
            "checks": [{**c, "light": LIGHTS[c["result"]], "word": compliance.RESULT_WORDS[c["result"]]}
                       for c in compliance.checks_for_display(check)],
            "conflicts": conflicts, "versions": sorted(check.layer_versions.items()),
            "opinion": compliance.suggested_opinion(check, user), "map_data": _map_data(case, check, conflicts),
            "prefill": _is_handler_step(context.get("current")),
        })
    return data


@register.simple_tag
def compliance_override_count(first_day, last_day) -> int:
    """`{% compliance_override_count period.start period.end %}`: approvals given over compliance findings in the
    period (the reports' summary page)."""
    return count_overrides(first_day, last_day)
