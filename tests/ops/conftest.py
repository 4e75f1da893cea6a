from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from datacollab.ops.log_format import ContextFilter, JsonFormatter


class JsonLines:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


@pytest.fixture
def json_log() -> Iterator[JsonLines]:
    """Log lines as production writes them (the settings' console handler writes to the real
    standard error, which the test cannot read): every logger, INFO and above."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    request_logger = logging.getLogger("datacollab.request")
    levels = (root.level, request_logger.level)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    request_logger.setLevel(logging.INFO)
    yield JsonLines(stream)
    root.removeHandler(handler)
    root.setLevel(levels[0])
    request_logger.setLevel(levels[1])
