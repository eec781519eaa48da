"""A task's form (审查意见表) rendered from its JSON Schema, and read back from a posted page.

The schema is the single source: the page shows one field per property, the API and the page validate against
the same schema on the server (tasks._validate_form).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

# What a field of the shipped processes does, for a schema that does not say (issue 22: the director's 提交局务会
# box was unexplained). A schema's own "description" wins.
FIELD_HINTS = {
    "submit_to_bureau_meeting": _("勾选表示局长同意将本案提交局务会集体审议，记入局长审核意见。"
                                  "局长审核后本案进入局务会环节，由局务会作出最终决定；"
                                  "不同意上会时请在“决定”中选择退回或不同意，并写明理由。"),
}


def schema_fields(schema: dict | None, values: dict | None = None) -> list[dict]:
    """One dict per property: name, title, kind (select/checkbox/number/textarea/text), options, value, required."""
    if not schema:
        return []
    values = values or {}
    required = set(schema.get("required", []))
    fields = []
    for name, prop in (schema.get("properties") or {}).items():
        kind = prop.get("type")
        if "enum" in prop:
            widget = "select"
        elif kind == "boolean":
            widget = "checkbox"
        elif kind in ("number", "integer"):
            widget = "number"
        elif kind == "string" and (prop.get("maxLength") or 0) > 200:
            widget = "textarea"
        else:
            widget = "text"
        fields.append({
            "name": name, "input_name": f"form__{name}", "title": prop.get("title", name), "widget": widget,
            "options": prop.get("enum", []), "value": values.get(name, ""), "required": name in required,
            "description": prop.get("description") or FIELD_HINTS.get(name, ""),
        })
    return fields


def form_from_post(schema: dict | None, post) -> dict[str, Any] | None:
    """The posted values typed as the schema says; empty fields are left out (so `required` can catch them)."""
    if not schema:
        return None
    data: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        key = f"form__{name}"
        kind = prop.get("type")
        if kind == "boolean":
            data[name] = post.get(key) in ("on", "true", "1")
            continue
        raw = (post.get(key) or "").strip()
        if raw == "":
            continue
        if kind == "integer":
            try:
                data[name] = int(raw)
            except ValueError:
                data[name] = raw  # the schema check names the field
        elif kind == "number":
            try:
                data[name] = float(raw)
            except ValueError:
                data[name] = raw
        else:
            data[name] = raw
    return data
