"""Readable, translated text for the engine's problem codes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from datacollab.core.errors import DomainError
from datacollab.privacy.engine import QueryProblem


class QueryRefused(DomainError):
    """A query the protections cannot answer as written (a name, a bucket, a q): 422."""

    status = 422


MESSAGES = {
    "not_an_object": _("The %(part)s must be a JSON object."),
    "not_a_list": _("“%(part)s” must be a list."),
    "unknown_key": _("Unknown key “%(key)s”: a query has dimensions, measures and filters."),
    "missing": _("A %(part)s needs “%(key)s”."),
    "bad_bucket": _("Unknown time bucket “%(bucket)s”: use one of %(allowed)s."),
    "bad_bin": _("A bin width must be a positive number, not “%(value)s”."),
    "bad_function": _("Unknown measure “%(function)s”: use one of %(allowed)s."),
    "count_takes_no_column": _("count counts rows: give it no column."),
    "bad_op": _("Unknown filter “%(op)s”: use one of %(allowed)s."),
    "filter_arity": _("The filter “%(op)s” takes %(low)s to %(high)s values."),
    "bad_value": _("“%(value)s” is not a value a filter can take."),
    "no_dimensions": _("Choose at least one dimension to group by."),
    "no_measures": _("Choose at least one measure."),
    "too_many": _("At most %(maximum)s %(part)s per query."),
    "not_a_dimension": _("“%(column)s” is not one of the dimensions the owner allows."),
    "not_a_measure": _("“%(column)s” is not one of the measures the owner allows."),
    "repeated_dimension": _("“%(column)s” is grouped by twice."),
    "repeated_measure": _("A measure is asked for twice."),
    "bucket_needs_time": _("Only a date or time column can be bucketed: “%(column)s” is not."),
    "bin_needs_number": _("Only a numeric column can be binned: “%(column)s” is not."),
    "time_needs_bucket": _("Group “%(column)s” by hour, day, week or month."),
    "number_needs_bin": _("Give “%(column)s” a bin width: a cell per exact value is too fine."),
    "value_type": _("“%(value)s” is not a valid value for “%(column)s”."),
    "unknown_column": _("The protection settings name “%(column)s”, which is not a column."),
    "measure_not_numeric": _("The measure “%(column)s” is not a numeric column."),
    "bounds_not_finite": _("The bounds of “%(column)s” must be finite numbers."),
    "bounds_order": _("The lower bound of “%(column)s” must be below its upper bound."),
    "setting_too_low": _("The setting “%(setting)s” must be at least %(minimum)s."),
    "setting_range": _("The setting “%(setting)s” must be between %(low)s and %(high)s."),
    "lattice_required": _(
        "Without a privacy unit, declare the lattice: the groupings (up to three dimensions, "
        "with their buckets or bins) that may be asked."
    ),
    "not_in_lattice": _(
        "“%(dimension)s” is not one of the groupings the owner allows: choose one of the "
        "lattice's dimensions, with its bucket or bin."
    ),
    "filter_outside_lattice": _(
        "Filter “%(column)s” only with “eq” or “in”, and group by it too (without a bucket or "
        "bin): a filter may keep or drop whole cells, never make a new sum."
    ),
    "bad_q": _(
        "A quantile's q must be a number strictly between 0 and 1 (0.5 the median, 0.9 the "
        "90th percentile), not “%(value)s”."
    ),
    "q_only_for_quantile": _("Only a quantile takes “q”."),
    "quantile_needs_bounds": _(
        "A quantile needs a column the owner declared as a measure with bounds: “%(column)s” "
        "has none."
    ),
    "too_fine": _(
        "This query is too fine-grained to protect in reasonable time: group by fewer or "
        "coarser dimensions, or filter."
    ),
}


# The engine names the part of a query in English ("dimension", "measures"...); the
# messages that say it as a word (not as a quoted JSON key) show it translated.
PARTS = {
    "query": _("query"),
    # Translators: a dimension of an aggregate query: a column the results are grouped by.
    "dimension": _("dimension"),
    "dimensions": _("dimensions"),
    # Translators: a measure of an aggregate query: a count, sum, mean or quantile.
    "measure": _("measure"),
    "measures": _("measures"),
    # Translators: a filter of an aggregate query: a condition on a column.
    "filter": _("filter"),
    "filters": _("filters"),
    "lattice dimensions": _("lattice dimensions"),
}
SETTINGS = {"contribution bounds": _("contribution bounds")}
_QUOTED_PART = {"not_a_list"}


def problem_text(problem: QueryProblem) -> str:
    template = MESSAGES.get(problem.code)
    if template is None:
        return str(_("The query was refused (%(code)s).") % {"code": problem.code})
    params = dict(problem.params)
    if problem.code not in _QUOTED_PART and params.get("part") in PARTS:
        params["part"] = PARTS[params["part"]]
    if params.get("setting") in SETTINGS:
        params["setting"] = SETTINGS[params["setting"]]
    return str(template) % params
