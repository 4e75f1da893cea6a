"""Vectorised validation of tabular files against a Frictionless Table Schema.

Public API: `validate`, `typed_select` (and `infer_schema` in datasets/tableschema.py),
plus the errors they raise: `SchemaError` (the schema cannot be used) and `SourceError`
(the file cannot be read as its format).
"""

from datacollab.datasets.tableschema import SchemaError, infer_schema
from datacollab.datasets.validation.engine import LIMIT_ERRORS, connect, validate
from datacollab.datasets.validation.select import typed_select
from datacollab.datasets.validation.source import SourceError, transcoded

__all__ = [
    "LIMIT_ERRORS",
    "SchemaError",
    "SourceError",
    "connect",
    "infer_schema",
    "transcoded",
    "typed_select",
    "validate",
]
