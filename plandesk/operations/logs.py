"""Log lines as JSON objects (PLANDESK_LOG_FORMAT=json), each with the request id of the request that wrote it.

The personal-data mask (plandesk.core.logging.MaskPersonalData) runs as a handler filter before formatting, so the
JSON carries the masked message.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# The variable lives in core so the audit and the outbox (below operations) can read it; the middleware sets it.
from plandesk.core.context import request_id_var

__all__ = ["JsonFormatter", "RequestIdFilter", "request_id_var"]


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # django.request logs an error answer after the middleware has returned, with the request attached.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", "") or request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", ""):
            line["request_id"] = record.request_id
        # The personal-data filter leaves the masked traceback in exc_text: print that, never a fresh, unmasked one.
        if record.exc_text:
            line["exception"] = record.exc_text
        elif record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
