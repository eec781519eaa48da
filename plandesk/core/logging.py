"""A logging filter that masks mobile numbers and resident ID numbers in every record's message."""

from __future__ import annotations

import logging

from plandesk.core.masking import mask_text


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
