"""The schema editor: one form per field (in the data's order) and one for the whole schema.

The forms turn the owner's entries into a Table Schema descriptor, keeping whatever the form
does not show (titles, true/false values, number options, other constraints) as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.datasets.tableschema import CHECKED_TYPES, SUPPORTED_CONSTRAINTS, UNCHECKED_TYPES

# The constraints the form edits; any other constraint of a field is kept as it was.
EDITED_CONSTRAINTS = frozenset(
    ("required", "unique", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern")
)
TYPE_CHOICES = [(t, t) for t in CHECKED_TYPES] + [
    (t, gettext_lazy("%(type)s (not checked)") % {"type": t}) for t in UNCHECKED_TYPES
]


def _lines(text: str) -> list[str]:
    return [line.rstrip("\r") for line in text.split("\n") if line.strip()]


def _bound(kind: str, fmt: str, text: str) -> Any:
    """A minimum or maximum as JSON, read as the field's type; ValueError if it does not read."""
    text = text.strip()
    if kind in ("integer", "year"):
        return int(text)
    if kind == "number":
        value = float(text)
        return int(value) if value.is_integer() and "." not in text and "e" not in text else value
    if fmt in ("", "default"):
        readers = {
            "date": dt.date.fromisoformat,
            "datetime": dt.datetime.fromisoformat,
            "time": dt.time.fromisoformat,
        }
        if kind in readers:
            readers[kind](text)
        if kind == "yearmonth" and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
            raise ValueError(text)
    return text


class FieldForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=TYPE_CHOICES)
    format = forms.CharField(
        label=gettext_lazy("Format"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("“default”, a date pattern such as %d/%m/%Y, or email, uri, uuid"),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    unique = forms.BooleanField(label=gettext_lazy("Unique"), required=False)
    enum = forms.CharField(
        label=gettext_lazy("Allowed values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One per line; empty: any value"),
    )
    minimum = forms.CharField(label=gettext_lazy("Minimum"), required=False, max_length=100)
    maximum = forms.CharField(label=gettext_lazy("Maximum"), required=False, max_length=100)
    min_length = forms.IntegerField(label=gettext_lazy("Min length"), required=False, min_value=0)
    max_length = forms.IntegerField(label=gettext_lazy("Max length"), required=False, min_value=0)
    pattern = forms.CharField(
        label=gettext_lazy("Pattern"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("A regular expression the whole value must match"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("type")
        if kind is None:
            return data
        supported = SUPPORTED_CONSTRAINTS[kind]
        fmt = (data.get("format") or "").strip()
        wanted = {
            "minimum": "minimum",
            "maximum": "maximum",
            "min_length": "minLength",
            "max_length": "maxLength",
            "pattern": "pattern",
            "enum": "enum",
        }
        for form_field, constraint in wanted.items():
            value = data.get(form_field)
            if value in (None, ""):
                continue
            if constraint not in supported:
                self.add_error(
                    form_field,
                    _("A %(type)s field takes no “%(constraint)s” constraint.")
                    % {"type": kind, "constraint": constraint},
                )
        for bound in ("minimum", "maximum"):
            text = data.get(bound) or ""
            if text.strip() and bound in supported:
                try:
                    data[bound] = _bound(kind, fmt, text)
                except ValueError:
                    self.add_error(
                        bound, _("“%(value)s” is not a %(type)s.") % {"value": text, "type": kind}
                    )
        low, high = data.get("min_length"), data.get("max_length")
        if low is not None and high is not None and low > high:
            self.add_error("max_length", _("The max length is below the min length."))
        pattern = data.get("pattern") or ""
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.add_error("pattern", _("Not a valid regular expression: %(e)s.") % {"e": exc})
        return data

    def descriptor(self, original: dict[str, Any]) -> dict[str, Any]:
        """The field's Table Schema descriptor: the original, with the edited keys replaced."""
        data = self.cleaned_data
        out = {k: v for k, v in original.items() if k not in ("type", "format", "description")}
        out["type"] = data["type"]
        fmt = data["format"].strip()
        if (fmt and fmt != "default") or ("format" in original and fmt == original["format"]):
            out["format"] = fmt
        description = data["description"].strip()
        if description or "description" in original:
            out["description"] = description
        kept = original.get("constraints") or {}
        constraints = {
            k: v
            for k, v in kept.items()
            if k not in EDITED_CONSTRAINTS and k in SUPPORTED_CONSTRAINTS[data["type"]]
        }
        if data["required"]:
            constraints["required"] = True
        if data["unique"]:
            constraints["unique"] = True
        enum = _lines(data["enum"])
        if enum:
            # Values as they were (numbers stay numbers) unless the owner changed them.
            before = kept.get("enum")
            unchanged = isinstance(before, list) and [str(v) for v in before] == enum
            constraints["enum"] = before if unchanged else enum
        for key in ("minimum", "maximum", "pattern"):
            if data.get(key) not in (None, ""):
                constraints[key] = data[key]
        if data.get("min_length") is not None:
            constraints["minLength"] = data["min_length"]
        if data.get("max_length") is not None:
            constraints["maxLength"] = data["max_length"]
        out.pop("constraints", None)
        if constraints or "constraints" in original:
            out["constraints"] = constraints
        return out


FieldFormSet = forms.formset_factory(FieldForm, extra=0, max_num=4096, validate_max=True)


def field_initial(descriptor: dict[str, Any]) -> dict[str, Any]:
    constraints = descriptor.get("constraints") or {}

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return {
        "name": descriptor.get("name", ""),
        "type": descriptor.get("type") or "string",
        "format": descriptor.get("format") or "default",
        "description": descriptor.get("description", ""),
        "required": bool(constraints.get("required")),
        "unique": bool(constraints.get("unique")),
        "enum": "\n".join(text(v) for v in constraints.get("enum") or []),
        "minimum": text(constraints.get("minimum")),
        "maximum": text(constraints.get("maximum")),
        "min_length": constraints.get("minLength"),
        "max_length": constraints.get("maxLength"),
        "pattern": constraints.get("pattern", ""),
    }


class SchemaForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    missing_empty = forms.BooleanField(
        label=gettext_lazy("Empty cells are missing values"), required=False
    )
    missing_values = forms.CharField(
        label=gettext_lazy("Other missing values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line, e.g. NA or -999"),
    )
    primary_key = forms.MultipleChoiceField(
        label=gettext_lazy("Primary key"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The fields whose values together identify each row"),
    )

    def __init__(self, *args: Any, field_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key_field = self.fields["primary_key"]
        assert isinstance(key_field, forms.MultipleChoiceField)
        key_field.choices = [(n, n) for n in field_names]

    @staticmethod
    def initial_for(schema: dict[str, Any], base_number: int) -> dict[str, Any]:
        missing = schema.get("missingValues", [""])
        key = schema.get("primaryKey") or []
        return {
            "base_version": base_number,
            "missing_empty": "" in missing,
            "missing_values": "\n".join(v for v in missing if v != ""),
            "primary_key": [key] if isinstance(key, str) else list(key),
        }


def build_schema(
    original: dict[str, Any], schema_form: SchemaForm, field_forms: Any
) -> dict[str, Any]:
    """The edited Table Schema; both forms must be valid and the fields those of `original`."""
    originals = [f for f in original.get("fields", []) if isinstance(f, dict)]
    fields = [
        form.descriptor(base) for form, base in zip(field_forms.forms, originals, strict=True)
    ]
    out = {k: v for k, v in original.items() if k not in ("fields", "missingValues", "primaryKey")}
    out["fields"] = fields
    data = schema_form.cleaned_data
    missing = ([""] if data["missing_empty"] else []) + [
        v for v in _lines(data["missing_values"]) if v != ""
    ]
    missing = list(dict.fromkeys(missing))
    if "missingValues" in original or missing != [""]:
        out["missingValues"] = missing
    # The data's field order, whatever order the boxes were ticked in.
    chosen = set(data["primary_key"])
    key = [f["name"] for f in fields if f["name"] in chosen]
    if key:
        out["primaryKey"] = key
    return out
