"""Tags of the dashboard: a figure as a link to its cases, a cell that shows "—" for nothing."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from plandesk.reports.ratings import LEVEL_COLUMNS, figures

register = template.Library()


@register.simple_tag
def drill(row: dict, metric: str, period, by: str):
    value = row.get(metric) or 0
    if not value:
        return "0"
    params = {"metric": metric, "from": period.start.isoformat(), "to": period.end.isoformat()}
    key = row.get("key")
    if key and by == "item":
        params["item"] = key
    elif key and by == "office":
        params["office"] = key
    elif key and by in ("month", "quarter", "year"):
        month = row["period"]
        params.update({"from": month.start.isoformat(), "to": month.end.isoformat()})
    return format_html('<a href="{}?{}">{}</a>', reverse("reports:cases"), urlencode(params), value)


@register.simple_tag
def cell(row: dict, key: str):
    value = row.get(key)
    return "—" if value is None else value


@register.inclusion_tag("reports/assessment_ratings.html")
def rating_panel(period, by: str):
    """The service-rating panel of the supervision's assessment page: `period` is any object whose `bounds()` gives
    [start, end) moments (supervision's month or quarter), `by` is "staff" or "division" (the page's own choice)."""

    by = by if by in ("staff", "division") else "staff"
    rows = [{**row, "level_values": [row[key] for key, _label in LEVEL_COLUMNS]}
            for row in figures(*period.bounds(), by)]
    return {"rows": rows, "by": by, "levels": LEVEL_COLUMNS}
