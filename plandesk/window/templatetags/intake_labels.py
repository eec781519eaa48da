"""`{% intake_field_label key versions %}`: an intake error's field by its Chinese label, never its key."""

from django import template

from plandesk.window.intake import field_label

register = template.Library()


@register.simple_tag
def intake_field_label(key: str, versions=None) -> str:
    return field_label(key, list(versions or []))
