"""Personal data shown only as far as the viewer needs it: `{{ id|mask_id }}`, `{{ phone|mask_phone }}`."""

from __future__ import annotations

from django import template

from plandesk.core.masking import mask_id, mask_phone

register = template.Library()
register.filter("mask_id", mask_id)
register.filter("mask_phone", mask_phone)
