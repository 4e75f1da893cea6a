"""The query builder form, built from the owner's dimensions and measures."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from datacollab.privacy.engine.query import BUCKETS, Dimension, Measure
from datacollab.privacy.models import ProtectionSettings

# The choices of a time column's grouping, each a whole phrase (not a word put into "by ...").
BUCKET_LABELS = {
    "hour": _("By hour"),
    "day": _("By day"),
    "week": _("By week"),
    "month": _("By month"),
    "hour_of_day": _("By hour of the day (0-23, all days together)"),
    "day_of_week": _("By day of the week (1 Monday - 7 Sunday)"),
}
GROUPED_BY = {
    # Translators: a column of the dataset grouped by a period, e.g. "pickup_time by hour".
    "hour": _("%(c)s by hour"),
    "day": _("%(c)s by day"),
    "week": _("%(c)s by week"),
    "month": _("%(c)s by month"),
    "hour_of_day": _("%(c)s by hour of the day (0-23, all days together)"),
    "day_of_week": _("%(c)s by day of the week (1 Monday - 7 Sunday)"),
}
TIME_TYPES = {"datetime", "date"}
NUMBER_TYPES = {"number", "integer"}


def grouping_label(dimension: Dimension) -> str:
    if dimension.bucket:
        return str(GROUPED_BY[dimension.bucket] % {"c": dimension.column})
    if dimension.bin is not None:
        return str(_("%(c)s in bins of %(w)s") % {"c": dimension.column, "w": f"{dimension.bin:g}"})
    return dimension.column


def _dimension_label(item: dict[str, Any]) -> str:
    return Dimension(item["column"], item.get("bucket"), item.get("bin")).label


def _measure_label(item: dict[str, Any]) -> str:
    return Measure(item["function"], item.get("column"), item.get("q")).label


class QueryForm(forms.Form):
    """The query builder. With a lattice (no privacy unit) it offers only the lattice's
    groupings and filters on whole values of its plain dimensions, so every choice can be
    answered; with a privacy unit any dimension with any bucket, bin or date range."""

    dimensions = forms.MultipleChoiceField(
        label=_("Group by"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    measures = forms.MultipleChoiceField(
        label=_("Measures"), widget=forms.CheckboxSelectMultiple, choices=(), required=False
    )
    # The order of an example's dimensions and measures (JSON), so that the filled form asks
    # exactly the example's query (the same order is the same released answer, at no cost).
    order = forms.CharField(required=False, widget=forms.HiddenInput)
    # Shown once above the quantile fields (the page groups them in one fieldset).
    quantiles_help = _(
        "Each q strictly between 0 and 1, several separated by commas: 0.5 the median, 0.75 "
        "the upper quartile, 0.9 the 90th percentile; with decimal commas, separate them by "
        "semicolons (0,5; 0,75). Leave empty for none."
    )

    def __init__(
        self,
        *args: Any,
        settings: ProtectionSettings,
        types: dict[str, str],
        groupings: list[Dimension] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = list(settings.dimensions)
        self.types = types
        self.groupings = groupings
        self.measure_columns = [str(m["column"]) for m in settings.measures]
        measures = [("count", str(_("count of rows")))]
        for column in self.measure_columns:
            measures.append((f"mean:{column}", str(_("mean of %(c)s") % {"c": column})))
            measures.append((f"sum:{column}", str(_("sum of %(c)s") % {"c": column})))
        cast(forms.ChoiceField, self.fields["measures"]).choices = measures
        self.fields["measures"].initial = ["count"]
        # A text field per measure column holds any number of quantiles (an example may ask
        # for the median and the upper quartile at once): one q field would keep only one.
        for i, column in enumerate(self.measure_columns):
            self.fields[f"quantiles_{i}"] = forms.CharField(
                label=_("Quantiles of %(c)s") % {"c": column},
                required=False,
                max_length=200,
            )
        if groupings is not None:
            self._lattice_fields(groupings)
        else:
            self._free_fields()

    def _lattice_fields(self, groupings: list[Dimension]) -> None:
        cast(forms.ChoiceField, self.fields["dimensions"]).choices = [
            (str(i), grouping_label(d)) for i, d in enumerate(groupings)
        ]
        for i, dimension in enumerate(groupings):
            if dimension.bucket or dimension.bin is not None:
                continue  # a filter on part of a bucket would make a new sum: none offered
            self.fields[f"filter_{i}"] = forms.CharField(
                label=_("Only the rows whose %(c)s is one of these values")
                % {"c": dimension.column},
                required=False,
                help_text=_(
                    "Separate the values with commas; leave empty for all. The result is "
                    "grouped by %(c)s too."
                )
                % {"c": dimension.column},
            )

    def _free_fields(self) -> None:
        cast(forms.ChoiceField, self.fields["dimensions"]).choices = [
            (str(i), c) for i, c in enumerate(self.columns)
        ]
        for i, column in enumerate(self.columns):
            kind = self.types.get(column, "string")
            if kind in TIME_TYPES:
                self.fields[f"bucket_{i}"] = forms.ChoiceField(
                    label=_("How to group the dates of %(c)s") % {"c": column},
                    choices=[(b, BUCKET_LABELS[b]) for b in BUCKETS],
                    initial="day",
                )
                self.fields[f"from_{i}"] = forms.DateField(
                    label=_("Only the rows whose %(c)s is on or after this date") % {"c": column},
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date"}),
                )
                self.fields[f"to_{i}"] = forms.DateField(
                    label=_("Only the rows whose %(c)s is before this date") % {"c": column},
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date"}),
                )
            elif kind == "number":
                self.fields[f"bin_{i}"] = forms.FloatField(
                    label=_("Bin width for %(c)s") % {"c": column}, min_value=0.000001, initial=1
                )
            else:
                self.fields[f"filter_{i}"] = forms.CharField(
                    label=_("Only the rows whose %(c)s is one of these values") % {"c": column},
                    required=False,
                    help_text=_("Separate the values with commas; leave empty for all."),
                )

    def quantile_fields(self) -> list[forms.BoundField]:
        return [self[f"quantiles_{i}"] for i in range(len(self.measure_columns))]

    def _clean_quantiles(self, i: int) -> list[float]:
        values: list[float] = []
        written = self.cleaned_data.get(f"quantiles_{i}") or ""
        # With semicolons between the values, a comma is a decimal comma ("0,5; 0,75").
        parts = written.replace(",", ".").split(";") if ";" in written else written.split(",")
        for text in parts:
            if not text.strip():
                continue
            try:
                q = float(text.strip())
            except ValueError:
                q = math.nan
            if not 0 < q < 1:  # also refuses nan
                raise forms.ValidationError(
                    _(
                        "Write each q as a number strictly between 0 and 1, separated by "
                        "commas, or by semicolons with decimal commas (0.5 the median, 0.9 "
                        "the 90th percentile)."
                    )
                )
            if q not in values:
                values.append(q)
        return values

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        quantiles = {}
        for i in range(len(self.measure_columns)):
            try:
                quantiles[i] = self._clean_quantiles(i)
            except forms.ValidationError as error:
                self.add_error(f"quantiles_{i}", error)
        data["quantile_values"] = quantiles
        if not data.get("measures") and not any(quantiles.values()) and not self.errors:
            self.add_error("measures", _("Choose at least one measure or quantile."))
        return data

    def _ordered(self, items: list[dict[str, Any]], key: str, label: Any) -> list[dict[str, Any]]:
        """`items` in the order the hidden `order` field gives (new ones keep theirs, after)."""
        try:
            order = json.loads(self.cleaned_data.get("order") or "{}").get(key, [])
        except (ValueError, AttributeError):
            return items
        if not isinstance(order, list):
            return items
        rank = {str(name): n for n, name in enumerate(order)}
        return sorted(items, key=lambda item: rank.get(label(item), len(rank)))

    def _column_of(self, i: int) -> str:
        return self.groupings[i].column if self.groupings is not None else self.columns[i]

    def _values(self, column: str, text: str) -> list[Any]:
        values: list[Any] = [v.strip() for v in text.split(",") if v.strip()]
        if self.types.get(column) == "integer":
            values = [int(v) if v.lstrip("-").isdigit() else v for v in values]
        return values

    def to_query(self) -> dict[str, Any]:
        data = self.cleaned_data
        chosen = [int(index) for index in data["dimensions"]]
        filters: list[dict[str, Any]] = []
        count = len(self.groupings) if self.groupings is not None else len(self.columns)
        for i in range(count):
            column = self._column_of(i)
            text = (data.get(f"filter_{i}") or "").strip()
            if text:
                filters.append({"column": column, "op": "in", "values": self._values(column, text)})
                if self.groupings is not None and i not in chosen:
                    chosen.append(i)  # the lattice filters whole cells of a grouping
            low, high = data.get(f"from_{i}"), data.get(f"to_{i}")
            if low or high:
                low = low or dt.date(1, 1, 1)
                high = high or dt.date(9999, 12, 31)
                filters.append(
                    {
                        "column": column,
                        "op": "between",
                        "values": [low.isoformat(), high.isoformat()],
                    }
                )
        dimensions = []
        for i in sorted(chosen):
            if self.groupings is not None:
                dimensions.append(self.groupings[i].to_dict())
                continue
            item: dict[str, Any] = {"column": self.columns[i]}
            if f"bucket_{i}" in self.fields:
                item["bucket"] = data[f"bucket_{i}"]
            if f"bin_{i}" in self.fields:
                item["bin"] = data[f"bin_{i}"]
            dimensions.append(item)
        measures: list[dict[str, Any]] = []
        for choice in data["measures"]:
            function, _sep, column = choice.partition(":")
            measures.append(
                {"function": function, "column": column} if column else {"function": function}
            )
        for i, column in enumerate(self.measure_columns):
            for q in data["quantile_values"].get(i, []):
                measures.append({"function": "quantile", "column": column, "q": q})
        return {
            "dimensions": self._ordered(dimensions, "dimensions", _dimension_label),
            "measures": self._ordered(measures, "measures", _measure_label),
            "filters": filters,
        }

    def initial_for(self, query: dict[str, Any]) -> dict[str, Any]:
        """Field values that make the form ask `query` (an example query fills the form)."""
        initial: dict[str, Any] = {"dimensions": [], "measures": []}
        for item in query.get("dimensions", []):
            dimension = Dimension(item["column"], item.get("bucket"), item.get("bin"))
            if self.groupings is not None:
                if dimension in self.groupings:
                    initial["dimensions"].append(str(self.groupings.index(dimension)))
                continue
            if dimension.column in self.columns:
                i = self.columns.index(dimension.column)
                initial["dimensions"].append(str(i))
                if dimension.bucket:
                    initial[f"bucket_{i}"] = dimension.bucket
                if dimension.bin is not None:
                    initial[f"bin_{i}"] = dimension.bin
        quantiles: dict[int, list[str]] = {}
        for item in query.get("measures", []):
            column = item.get("column")
            if item["function"] == "quantile" and column in self.measure_columns:
                quantiles.setdefault(self.measure_columns.index(column), []).append(str(item["q"]))
            else:
                initial["measures"].append(f"{item['function']}:{column}" if column else "count")
        for i, values in quantiles.items():
            initial[f"quantiles_{i}"] = ", ".join(values)
        initial["order"] = json.dumps(
            {
                "dimensions": [_dimension_label(d) for d in query.get("dimensions", [])],
                "measures": [_measure_label(m) for m in query.get("measures", [])],
            }
        )
        names = [
            self._column_of(i)
            for i in range(len(self.groupings) if self.groupings is not None else len(self.columns))
        ]
        for item in query.get("filters", []):
            if item["column"] not in names:
                continue
            i = names.index(item["column"])
            if item["op"] in ("eq", "in"):
                initial[f"filter_{i}"] = ", ".join(str(v) for v in item["values"])
            elif item["op"] == "between":
                initial[f"from_{i}"] = str(item["values"][0])[:10]
                initial[f"to_{i}"] = str(item["values"][1])[:10]
        return initial


class ExampleQueryForm(forms.Form):
    """The owner saves the query under a result as a named example."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
