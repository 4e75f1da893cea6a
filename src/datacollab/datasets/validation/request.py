"""A validation's arguments, checked once whichever engine runs it.

`engine.validate` (DuckDB, or Spark by the DATA_ENGINE setting) and the Spark entry
(dataplane/spark_validation.py) take the same options, typed once here (`Options`), and
both call `checked`, so a bad schema or a bad file is refused alike before either engine
starts.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Required, TypedDict, Unpack

from datacollab.datasets.tableschema import Schema, parse_schema
from datacollab.datasets.validation.source import Source, open_source

LIMIT_ERRORS = 1000


class Options(TypedDict, total=False):
    """What a validation is asked, besides the file and its schema: one signature for the
    entries of both engines (`validate` here, dataplane/spark_validation.py's)."""

    fmt: Required[str]
    encoding: str | None
    delimiter: str | None
    limit_errors: int


@dataclass(frozen=True)
class Request:
    """A validation's arguments once `checked`: the schema parsed, the file named."""

    source: Path
    schema: Schema
    fmt: str
    encoding: str | None = None
    delimiter: str | None = None
    limit_errors: int = LIMIT_ERRORS

    def open(self) -> AbstractContextManager[Source]:
        """The file read as `fmt` (SourceError when it cannot be)."""
        return open_source(
            self.source, fmt=self.fmt, encoding=self.encoding, delimiter=self.delimiter
        )


def checked(source: Path | str, schema: dict[str, Any], **options: Unpack[Options]) -> Request:
    """The one check of a validation's arguments, whichever engine runs it: raises
    SchemaError when the schema cannot be used (the file's own checks come with opening it)."""
    return Request(Path(source), parse_schema(schema), **options)
