"""Readable names for a result's columns, in the reader's language.

The engine names a result's columns with stable machine labels (`count`, `mean(pm25)`,
`p90(pm25)`, `zone`, `started_at (day)`): the API, the command, the published CSV and the
saved releases keep them. Pages show these names instead, built from the query that
produced the result.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from datacollab.privacy.engine import AggregateQuery
from datacollab.privacy.engine.query import Measure


def measure_name(measure: Measure) -> str:
    column = {"c": measure.column}
    if measure.function == "count":
        # Translators: the header of a result column counting the rows of each cell.
        return _("Number of rows")
    if measure.function == "mean":
        return _("Mean of %(c)s") % column
    if measure.function == "sum":
        return _("Sum of %(c)s") % column
    if measure.q == 0.5:
        return _("Median of %(c)s") % column
    # Translators: e.g. "Percentile 90 of pm25": the value 90 % of the rows are below.
    percent = round((measure.q or 0) * 100, 6)
    text = str(int(percent)) if percent.is_integer() else number_format(percent)
    return _("Percentile %(p)s of %(c)s") % {"p": text, **column}


def column_names(query: dict[str, Any]) -> dict[str, str]:
    """Machine label -> readable name, for every dimension and measure of `query`."""
    from datacollab.privacy.forms import grouping_label

    parsed = AggregateQuery.from_dict(query)
    names = {d.label: grouping_label(d) for d in parsed.dimensions}
    names.update({m.label: measure_name(m) for m in parsed.measures})
    return names
