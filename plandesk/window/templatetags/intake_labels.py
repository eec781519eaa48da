"""`{% intake_field_label key versions %}`: an intake error's field by its Chinese label, never its key."""

from django import template

from plandesk.window.intake import field_label

register = template.Library()


@register.simple_tag
def intake_field_label(key: str, versions=None) -> str:
    return field_label(key, list(versions or []))


@register.simple_tag
def material_name(case, code: str) -> str:
    """A material of the case by its name (申请表), as the checklist stored it, not its code (application_form)."""
    for material in getattr(case, "materials", None) or []:
        if material.get("code") == code:
            return material.get("name") or code
    return code
