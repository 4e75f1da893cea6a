"""Validation report errors in the reader's language, at display time.

Stored reports keep frictionless-py's English layout (`type`, `title`, `message`, `note` and
the row/field numbers), so reports stay comparable with other tools and the API and CLI keep
their fields and words. The validation engine (datasets/validation/) is not touched: the pages
rebuild each error's title and message here, from its `type` and numbers, through gettext.
The pages' English is not frictionless's: its sentences ("has less values", "contains label",
Title Case titles) could not be translated as written, so these say in plain sentences what
is wrong and how to mend it (tests/datasets/test_report_messages.py shows each one).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

_SAME_LENGTH_MORE = _(
    "This row has more values than the header row (the first row of the data). Every row of "
    "a table must have the same number of columns: remove the extra values or add the "
    "missing column names."
)
_SAME_LENGTH_LESS = _(
    "This row has fewer values than the header row (the first row of the data). Every row of "
    "a table must have the same number of columns: add the missing values, even if empty."
)

# type -> (title, description, message). Placeholders are the error's own keys; a "column"
# is counted from 1, as frictionless's field position is.
KINDS: dict[str, tuple[Promise, Promise, Promise]] = {
    "type-error": (
        _("Type error"),
        _(
            "The value does not match the type and format that the schema sets for this "
            "field. Correct the value, or the field's type in the schema."
        ),
        _(
            'The value "%(cell)s" in row %(rowNumber)s, field "%(fieldName)s" (column '
            "%(fieldNumber)s) does not match the field's type: %(note)s"
        ),
    ),
    "constraint-error": (
        _("Constraint error"),
        _(
            "The value breaks a rule that the schema sets for this field (a minimum, a "
            "maximum, a pattern, a list of allowed values...)."
        ),
        _(
            'The value "%(cell)s" in row %(rowNumber)s, field "%(fieldName)s" (column '
            "%(fieldNumber)s) breaks a rule of the schema: %(note)s"
        ),
    ),
    "unique-error": (
        _("Repeated value"),
        _(
            "Every row must have a different value in this field, but this value is already "
            "in another row."
        ),
        _(
            'Row %(rowNumber)s repeats a value in the field "%(fieldName)s" (column '
            "%(fieldNumber)s), which must be different in every row: %(note)s"
        ),
    ),
    "extra-cell": (
        _("Extra value"),
        _SAME_LENGTH_MORE,
        _("Row %(rowNumber)s has an extra value in column %(fieldNumber)s, after the last column."),
    ),
    "missing-cell": (
        _("Missing value"),
        _SAME_LENGTH_LESS,
        _('Row %(rowNumber)s has no value for the field "%(fieldName)s" (column %(fieldNumber)s).'),
    ),
    "blank-row": (
        _("Empty row"),
        _("This row is empty. A row must contain at least one value: remove it or fill it in."),
        _("Row %(rowNumber)s is empty."),
    ),
    "primary-key": (
        _("Primary key error"),
        _(
            "The values of the primary key fields must identify each row: they must be "
            "different in every row, and not all empty."
        ),
        _("Row %(rowNumber)s does not have a valid primary key: %(note)s"),
    ),
    "extra-label": (
        _("Extra column"),
        _(
            "The header row names a column that the schema does not define. Remove the "
            "column, or add a field for it to the schema."
        ),
        _('The header names an extra column "%(label)s" (column %(fieldNumber)s).'),
    ),
    "missing-label": (
        _("Missing column"),
        _(
            "The schema defines a field that has no column in the header row. Add the "
            "column, or remove the field from the schema."
        ),
        # Translators: the number is the field's position among the schema's fields (1 for
        # the first); the header row has no column for it at all.
        _(
            'The header has no column for the field "%(fieldName)s", which is field number '
            "%(fieldNumber)s in the schema."
        ),
    ),
    "blank-label": (
        _("Column without a name"),
        _("A column in the header row has no name. Give every column a name."),
        _("Column %(fieldNumber)s has no name in the header."),
    ),
    "duplicate-label": (
        _("Repeated column name"),
        _("Two columns in the header row have the same name. Each column needs its own name."),
        _('The column name "%(label)s" (column %(fieldNumber)s) is already used: %(note)s'),
    ),
    "incorrect-label": (
        _("Wrong column name"),
        _(
            "A column name in the header row does not match the name of the field that the "
            "schema sets at that position. Rename the column, or correct the schema."
        ),
        _(
            'The column name "%(label)s" (column %(fieldNumber)s) does not match the field '
            'name "%(fieldName)s" in the schema.'
        ),
    ),
    "source-error": (
        _("Unreadable data"),
        _(
            "The data cannot be read: its format is not supported or its contents are "
            "inconsistent. Check that the file is a well-formed table in the format chosen."
        ),
        _("The data cannot be read: %(note)s"),
    ),
    "blank-header": (
        _("Empty header"),
        _("The header row is empty. It must name at least one column."),
        _("The header row is empty."),
    ),
}

# The notes the validation engine writes (datasets/validation/checks.py, keys.py, header.py,
# engine.py), as patterns; a note that matches none (a reader's own words) is shown as is.
# A note said of more than one kind of thing is translated per kind (SAME_ROW, by error type);
# one that names a list of numbers is singular or plural by how many (_positions_text).
NOTES: list[tuple[re.Pattern[str], Promise]] = [
    (
        re.compile(r'type is "(?P<type>[^"/]*)/(?P<format>[^"]*)"'),
        _('the field\'s type is "%(type)s" with the format "%(format)s"'),
    ),
    (
        re.compile(r'constraint "(?P<name>[^"]*)" is "(?P<value>.*)"', re.DOTALL),
        _('the rule "%(name)s" is "%(value)s"'),
    ),
    (
        re.compile(r'cells composing the primary keys are all "None"'),
        _("its primary key fields are all empty"),
    ),
    (re.compile(r"the source is empty"), _("the file is empty")),
]


_POSITIONS = re.compile(r'at position "(?P<positions>[^"]*)"')
_SAME_ROW = re.compile(r"the same as in the row at position (?P<row>\d+)")

# "it" is a unique field's value in one, the row's primary key in the other: Spanish and
# Portuguese give the two different genders (el valor / la clave, o valor / a chave), so each
# has its own. (French's valeur and clé are both feminine; its translators word them apart.)
SAME_ROW: dict[str, Promise] = {
    # Translators: "it" is the value of a field that must be different in every row.
    "unique-error": pgettext_lazy("a repeated value", "it is the same as in row %(row)s"),
    # Translators: "it" is the row's primary key (the values that identify the row).
    "primary-key": pgettext_lazy("a repeated primary key", "it is the same as in row %(row)s"),
}


def _positions_text(positions: str) -> str:
    count = len([p for p in positions.split(",") if p.strip()])
    return ngettext(
        # Translators: a column name of the header row repeats that of the column(s) named.
        "it is also the name of column %(positions)s",
        "it is also the name of columns %(positions)s",
        count,
    ) % {"positions": positions}


def note_text(note: str, kind: str = "") -> str:
    """The engine's `note` in the reader's language; `kind` (the error's type) picks the
    words where the same note is said of different things."""
    if match := _POSITIONS.fullmatch(note):
        return _positions_text(match["positions"])
    if match := _SAME_ROW.fullmatch(note):
        return str(SAME_ROW.get(kind, SAME_ROW["unique-error"])) % match.groupdict()
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
    note = note_text(str(error.get("note", "")), str(error.get("type", "")))
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
