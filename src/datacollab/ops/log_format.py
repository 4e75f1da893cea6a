"""One JSON object per log line, and the filter that gives every record its request or task.

Small enough to own: the standard library's Formatter does the traceback, json.dumps the rest.
Imported by Django's logging set-up, before the apps are loaded: no models here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from datacollab.ops.log_context import current_request, current_task_id, user_id_of

# What the filter puts on every record (None when unknown), in the order they are written.
CONTEXT_FIELDS = ("request_id", "method", "path", "user_id", "task_id")
# Fields the access log line adds (request_id.py); each is written when a record has it.
REQUEST_FIELDS = ("status", "duration_ms", "cpu_ms")
# A LogRecord's own attributes: anything else on a record came through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "where",
    *CONTEXT_FIELDS,
}


class ContextFilter(logging.Filter):
    """Puts the current request's id, method, path and user id, or the task's id, on each
    record (an `extra=` value given by the caller wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_request.get()
        values = {
            "request_id": context.request_id if context else None,
            "method": context.method if context else None,
            "path": context.path if context else None,
            "user_id": user_id_of(context.request) if context else None,
            "task_id": current_task_id.get(),
        }
        for name, value in values.items():
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in (*CONTEXT_FIELDS, *REQUEST_FIELDS):
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        for name, value in vars(record).items():
            # Plain values given with `extra=`; objects (Django passes the request) are left
            # out: their repr may hold what a log must not (cookies, addresses, e-mails).
            if name not in _STANDARD and name not in entry and _plain(value):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


class TextFormatter(logging.Formatter):
    """The development format: readable, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(where)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        task_id = getattr(record, "task_id", None)
        record.where = f" [{request_id}]" if request_id else f" [task {task_id}]" if task_id else ""
        return super().format(record)


def logging_config(*, log_format: str, level: str, access_log: bool) -> dict[str, Any]:
    """The LOGGING setting: one console handler on standard error, in `log_format`."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"json": {"()": JsonFormatter}, "text": {"()": TextFormatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # One line per request (request_id.py): INFO, so shown even when LOG_LEVEL is
            # WARNING, unless turned off.
            "datacollab.request": {"level": "INFO" if access_log else "WARNING"},
        },
    }
