"""Schema and source problems in the reader's language, at display time.

`tableschema.parse_schema` and the validation engine's source reader (datasets/validation/)
are pure and speak English: their sentences end up in stored refusals, reports and the
command line. The pages translate them here, by pattern, without touching the engine. A
sentence that matches no pattern (a library's own message) is shown as written.
tests/datasets/test_reading_messages.py checks every pattern against the engine's English.
"""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_NAME = r"(?P<name>'[^']*'|\"[^\"]*\")"  # a field name as Python's repr writes it

# (pattern of the English, the same sentence marked for translation). More specific first.
SCHEMA_PROBLEMS: list[tuple[re.Pattern[str], Promise]] = [
    (
        re.compile(r"the schema must be a JSON object with a `fields` list"),
        _("the schema must be a JSON object with a `fields` list"),
    ),
    (
        re.compile(r"the schema must have a non-empty `fields` list"),
        _("the schema must have a non-empty `fields` list"),
    ),
    (
        re.compile(rf"field name {_NAME} is used more than once"),
        _("field name %(name)s is used more than once"),
    ),
    (
        re.compile(r"`primaryKey` must be a field name or a list of field names"),
        _("`primaryKey` must be a field name or a list of field names"),
    ),
    (
        re.compile(rf"primary key field {_NAME} is not one of the fields"),
        _("primary key field %(name)s is not one of the fields"),
    ),
    (re.compile(r"foreign keys are not checked"), _("foreign keys are not checked")),
    (
        re.compile(r'only `"fieldsMatch": "exact"` is supported \(fields match by position\)'),
        _('only `"fieldsMatch": "exact"` is supported (fields match by position)'),
    ),
    (
        re.compile(r"`(?P<key>[^`]+)` must be a list of strings"),
        _("`%(key)s` must be a list of strings"),
    ),
    (
        re.compile(r"field (?P<position>\d+) must be an object with a string `name`"),
        _("field %(position)s must be an object with a string `name`"),
    ),
    (
        re.compile(rf"field {_NAME}: unknown type (?P<type>'[^']*'|\"[^\"]*\")"),
        _("field %(name)s: unknown type %(type)s"),
    ),
    (
        re.compile(r'field "(?P<name>.*)": type "(?P<type>[^"]*)" is not checked'),
        _('field "%(name)s": type "%(type)s" is not checked'),
    ),
    (
        re.compile(r'field "(?P<name>.*)": format "(?P<format>[^"]*)" is not checked'),
        _('field "%(name)s": format "%(format)s" is not checked'),
    ),
    (
        re.compile(rf"field {_NAME}: `constraints` must be an object"),
        _("field %(name)s: `constraints` must be an object"),
    ),
    (
        re.compile(
            rf'field {_NAME}: constraint "(?P<constraint>[^"]*)" is not supported by type '
            r'"(?P<type>[^"]*)"'
        ),
        _('field %(name)s: constraint "%(constraint)s" is not supported by type "%(type)s"'),
    ),
    (
        re.compile(rf"field {_NAME}: the `enum` constraint must be a list"),
        _("field %(name)s: the `enum` constraint must be a list"),
    ),
    (
        re.compile(rf"field {_NAME}: `(?P<key>\w+)` must be an integer"),
        _("field %(name)s: `%(key)s` must be an integer"),
    ),
    (
        re.compile(rf"field {_NAME}: `(?P<key>\w+)` must be a string"),
        _("field %(name)s: `%(key)s` must be a string"),
    ),
    (
        re.compile(rf"field {_NAME}: `(?P<key>\w+)` must be a non-empty string"),
        _("field %(name)s: `%(key)s` must be a non-empty string"),
    ),
    (
        re.compile(rf'field {_NAME}: "required" should be set as "constraints.required"'),
        _('field %(name)s: "required" should be set as "constraints.required"'),
    ),
]

SOURCE_PROBLEMS: list[tuple[re.Pattern[str], Promise]] = [
    (
        re.compile(r"Cannot read (?P<name>.+) as (?P<format>[A-Z]+): (?P<detail>.*)", re.DOTALL),
        _("Cannot read %(name)s as %(format)s: %(detail)s"),
    ),
    (
        re.compile(
            r"The file has (?P<columns>[\d,]+) columns; "
            r"at most (?P<limit>[\d,]+) can be validated\."
        ),
        _("The file has %(columns)s columns; at most %(limit)s can be validated."),
    ),
    (
        re.compile(
            r"The first line of (?P<name>.+) is empty: a header row is needed to infer a schema\."
        ),
        _("The first line of %(name)s is empty: a header row is needed to infer a schema."),
    ),
    (
        re.compile(r"Cannot read the header row: (?P<detail>.*)\.", re.DOTALL),
        _("Cannot read the header row: %(detail)s."),
    ),
    (
        re.compile(r"The delimiter must be one character, not (?P<delimiter>.+)\."),
        _("The delimiter must be one character, not %(delimiter)s."),
    ),
    (
        re.compile(r"(?P<delimiter>'.*'|\".*\") cannot be the delimiter\."),
        _("%(delimiter)s cannot be the delimiter."),
    ),
    (
        re.compile(r"Unknown encoding (?P<encoding>.+)\."),
        _("Unknown encoding %(encoding)s."),
    ),
    (
        re.compile(r"(?P<name>.+) is not valid (?P<encoding>\S+) \(byte (?P<byte>\d+)\)\."),
        _("%(name)s is not valid %(encoding)s (byte %(byte)s)."),
    ),
    (
        re.compile(r"(?P<name>.+) is not valid (?P<encoding>\S+): (?P<detail>.*)\.", re.DOTALL),
        _("%(name)s is not valid %(encoding)s: %(detail)s."),
    ),
    (re.compile(r"(?P<name>.+) is empty\."), _("%(name)s is empty.")),
    (
        re.compile(r"(?P<name>.+) is (?P<kind>[^,]+(?: \(or an XLSX workbook\))?), not CSV text\."),
        _("%(name)s is %(kind)s, not CSV text."),
    ),
]
# What a binary file given as text turned out to be (validation/source.py's _MAGIC).
BINARY_KINDS = {
    "gzip-compressed": _("gzip-compressed"),
    "a zip archive (or an XLSX workbook)": _("a zip archive (or an XLSX workbook)"),
    "bzip2-compressed": _("bzip2-compressed"),
    "xz-compressed": _("xz-compressed"),
    "zstd-compressed": _("zstd-compressed"),
    "a Parquet file": _("a Parquet file"),
}


def _translated(text: str, table: list[tuple[re.Pattern[str], Promise]]) -> str:
    for pattern, message in table:
        if match := pattern.fullmatch(text):
            params = match.groupdict()
            if params.get("kind") in BINARY_KINDS:
                params["kind"] = BINARY_KINDS[params["kind"]]
            return str(message) % params
    return text


def schema_problem_text(problem: str) -> str:
    return _translated(problem, SCHEMA_PROBLEMS)


def schema_problems_text(problems: list[str] | str) -> str:
    """A SchemaError's problems (or their "; "-joined text), translated one by one."""
    listed = problems.split("; ") if isinstance(problems, str) else problems
    return "; ".join(schema_problem_text(p) for p in listed)


def source_problem_text(problem: str) -> str:
    return _translated(problem, SOURCE_PROBLEMS)
