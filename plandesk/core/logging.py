"""A logging filter that masks mobile numbers and resident ID numbers, and hides receipt-link tokens, in every record.

It masks the message and the traceback text (`exc_text`, which logging's formatters print instead of formatting the
exception again). The console handler of settings.LOGGING carries it; loggers that keep their own handlers and do not
propagate to ours get it on the logger itself when the filter is made (see `ALSO_ON`): gunicorn's access log, whose
request line carries the receipt link, its error log, and runserver's request log.
"""

from __future__ import annotations

import logging

from plandesk.core.masking import mask_text

ALSO_ON = ("gunicorn.access", "gunicorn.error", "django.server")


class MaskPersonalData(logging.Filter):
    def __init__(self, name: str = ""):
        super().__init__(name)
        # dictConfig builds the filter in every process that sets up Django (each gunicorn worker, or the master
        # with --preload), after gunicorn has set up its own loggers: attach there too, once per logger.
        for logger_name in ALSO_ON:
            logger = logging.getLogger(logger_name)
            if not any(isinstance(f, MaskPersonalData) for f in logger.filters):
                logger.addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
