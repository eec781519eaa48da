"""The intake page's form: an item's JSON Schema rendered as inputs, and posted inputs read back as JSON."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SchemaInput:
    name: str
    input_name: str
    title: str
    kind: str  # text, number, integer, boolean, select, date
    required: bool
    options: list[tuple[str, str]]
    value: object
    error: str = ""
    description: str = ""
    minimum: object = None
    maximum: object = None
    max_length: object = None


def input_name(code: str, name: str) -> str:
    return f"f.{code}.{name}"


def schema_inputs(code: str, schema: dict, values: dict | None = None, errors: dict | None = None) -> list[SchemaInput]:
    values = values or {}
    errors = errors or {}
    required = set(schema.get("required", []))
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        kind = prop.get("type", "string")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        options = []
        if "enum" in prop:
            labels = prop.get("x-labels") or {}
            options = [(str(v), str(labels.get(str(v), v))) for v in prop["enum"]]
            shown = "select"
        elif kind == "boolean":
            shown = "boolean"
        elif kind in ("number", "integer"):
            shown = kind
        elif prop.get("format") == "date":
            shown = "date"
        else:
            shown = "text"
        rows.append(SchemaInput(
            name=name, input_name=input_name(code, name), title=str(prop.get("title") or name), kind=shown,
            required=name in required, options=options, value=values.get(name, ""),
            error=errors.get(f"forms.{code}.{name}", ""), description=str(prop.get("description", "")),
            minimum=prop.get("minimum", prop.get("exclusiveMinimum")), maximum=prop.get("maximum"),
            max_length=prop.get("maxLength"),
        ))
    return rows


def read_form(code: str, schema: dict, post) -> dict:
    """The posted inputs of one item's form as JSON: numbers as numbers, empty inputs left out (so that the
    schema's `required` names them), an unticked box as false."""
    form: dict = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        kind = prop.get("type", "string")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        raw = post.get(input_name(code, name))
        if kind == "boolean":
            form[name] = raw in ("on", "1", "true")
            continue
        if raw is None or str(raw).strip() == "":
            continue
        raw = str(raw).strip()
        if kind in ("number", "integer") and "enum" not in prop:
            try:
                number = float(raw)
                form[name] = int(number) if kind == "integer" and number.is_integer() else number
            except ValueError:
                form[name] = raw  # the schema check names it: "须为数字"
            continue
        form[name] = raw
    return form
