"""Validation report errors in the reader's language, at display time.

Stored reports keep frictionless-py's English layout (`type`, `title`, `message`, `note` and
the row/field numbers), so reports stay readable and comparable with other tools and the API
keeps its fields. The validation engine (datasets/validation/) is not touched: the pages
rebuild each error's title and message here, from its `type` and numbers, through gettext.
tests/datasets/test_report_messages.py checks that the English msgids are frictionless's.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_SAME_LENGTH_MORE = _(
    "This row has more values compared to the header row (the first row in the data source). "
    "A key concept is that all the rows in tabular data must have the same number of columns."
)
_SAME_LENGTH_LESS = _(
    "This row has less values compared to the header row (the first row in the data source). "
    "A key concept is that all the rows in tabular data must have the same number of columns."
)

# type -> (title, description, message). Placeholders are the error's own keys.
KINDS: dict[str, tuple[Promise, Promise, Promise]] = {
    "type-error": (
        _("Type Error"),
        _("The value does not match the schema type and format for this field."),
        _(
            'Type error in the cell "%(cell)s" in row "%(rowNumber)s" and field "%(fieldName)s" '
            'at position "%(fieldNumber)s": %(note)s'
        ),
    ),
    "constraint-error": (
        _("Constraint Error"),
        _("A field value does not conform to a constraint."),
        _(
            'The cell "%(cell)s" in row at position "%(rowNumber)s" and field "%(fieldName)s" '
            'at position "%(fieldNumber)s" does not conform to a constraint: %(note)s'
        ),
    ),
    "unique-error": (
        _("Unique Error"),
        _(
            "This field is a unique field but it contains a value that has been used in "
            "another row."
        ),
        _(
            'Row at position "%(rowNumber)s" has unique constraint violation in field '
            '"%(fieldName)s" at position "%(fieldNumber)s": %(note)s'
        ),
    ),
    "extra-cell": (
        _("Extra Cell"),
        _SAME_LENGTH_MORE,
        _(
            'Row at position "%(rowNumber)s" has an extra value in field at position '
            '"%(fieldNumber)s"'
        ),
    ),
    "missing-cell": (
        _("Missing Cell"),
        _SAME_LENGTH_LESS,
        _(
            'Row at position "%(rowNumber)s" has a missing cell in field "%(fieldName)s" at '
            'position "%(fieldNumber)s"'
        ),
    ),
    "blank-row": (
        _("Blank Row"),
        _("This row is empty. A row should contain at least one value."),
        _('Row at position "%(rowNumber)s" is completely blank'),
    ),
    "primary-key": (
        _("PrimaryKey Error"),
        _("Values in the primary key fields should be unique for every row"),
        _('Row at position "%(rowNumber)s" violates the primary key: %(note)s'),
    ),
    "extra-label": (
        _("Extra Label"),
        _(
            "The header of the data source contains label that does not exist in the provided "
            "schema."
        ),
        _('There is an extra label "%(label)s" in header at position "%(fieldNumber)s"'),
    ),
    "missing-label": (
        _("Missing Label"),
        _("Based on the schema there should be a label that is missing in the data's header."),
        _(
            'There is a missing label in the header\'s field "%(fieldName)s" at position '
            '"%(fieldNumber)s"'
        ),
    ),
    "blank-label": (
        _("Blank Label"),
        _(
            "A label in the header row is missing a value. Label should be provided and not be "
            "blank."
        ),
        _('Label in the header in field at position "%(fieldNumber)s" is blank'),
    ),
    "duplicate-label": (
        _("Duplicate Label"),
        _("Two columns in the header row have the same value. Column names should be unique."),
        _(
            'Label "%(label)s" in the header at position "%(fieldNumber)s" is duplicated to a '
            "label: %(note)s"
        ),
    ),
    "incorrect-label": (
        _("Incorrect Label"),
        _("One of the data source header does not match the field name defined in the schema."),
        _(
            'Label "%(label)s" in field %(fieldName)s at position "%(fieldNumber)s" does not '
            "match the field name in the schema"
        ),
    ),
    "source-error": (
        _("Source Error"),
        _("Data reading error because of not supported or inconsistent contents."),
        _("The data source has not supported or has inconsistent contents: %(note)s"),
    ),
    "blank-header": (
        _("Blank Header"),
        _("This header is empty. A header should contain at least one value."),
        _("Header is completely blank"),
    ),
}

# The notes the validation engine writes (datasets/validation/checks.py, keys.py, header.py,
# engine.py), as patterns; a note that matches none (a reader's own words) is shown as is.
NOTES: list[tuple[re.Pattern[str], Promise]] = [
    (
        re.compile(r'type is "(?P<type>[^"/]*)/(?P<format>[^"]*)"'),
        _('type is "%(type)s/%(format)s"'),
    ),
    (
        re.compile(r'constraint "(?P<name>[^"]*)" is "(?P<value>.*)"', re.DOTALL),
        _('constraint "%(name)s" is "%(value)s"'),
    ),
    (re.compile(r'at position "(?P<positions>[^"]*)"'), _('at position "%(positions)s"')),
    (
        re.compile(r"the same as in the row at position (?P<row>\d+)"),
        _("the same as in the row at position %(row)s"),
    ),
    (
        re.compile(r'cells composing the primary keys are all "None"'),
        _('cells composing the primary keys are all "None"'),
    ),
    (re.compile(r"the source is empty"), _("the source is empty")),
]


def note_text(note: str) -> str:
    for pattern, message in NOTES:
        if match := pattern.fullmatch(note):
            return str(message) % match.groupdict()
    return note


def shown_error(error: dict[str, Any]) -> dict[str, Any]:
    """The error with `title`, `description`, `message` and `note` in the active language;
    its type, numbers and cells unchanged. An unknown type keeps its stored English."""
    kind = KINDS.get(error.get("type", ""))
    if kind is None:
        return error
    title, description, message = kind
    note = note_text(str(error.get("note", "")))
    params = {k: ("" if v is None else v) for k, v in error.items() if isinstance(v, str | int)}
    params["note"] = note
    try:
        text = str(message) % params
    except KeyError:  # an older report without one of the numbers: keep what it says
        text = error.get("message", "")
    return {
        **error,
        "title": str(title),
        "description": str(description),
        "message": text,
        "note": note,
    }


def type_title(kind: str) -> str:
    found = KINDS.get(kind)
    return str(found[0]) if found else kind
