"""Charts of the figures, shared by the output report and the dashboards (labels translated)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from datacollab.core import countries
from datacollab.core.templatetags.datacollab import money
from datacollab.evaluation.selectors import MIN_RESPONSES
from datacollab.events.selectors.attendance import OrganisationRate, SessionRate
from datacollab.reports.charts import (
    Bar,
    Chart,
    Group,
    bar_chart,
    grouped_bar_chart,
    stacked_bar_chart,
)
from datacollab.reports.charts import funnel_chart as draw_funnel
from datacollab.reports.selectors.diversity import (
    NOT_RECORDED,
    OTHER,
    Operation,
    Residence,
)
from datacollab.reports.selectors.figures import (
    STAGES,
    Diversity,
    Funding,
    Funnel,
    kind_labels,
)


def stage_labels() -> dict[str, str]:
    return {
        "applied": _("Applied"),
        "eligible": _("Eligible"),
        "shortlisted": _("Shortlisted"),
        "selected": _("Selected"),
    }


def _of(part: int, whole: int) -> str:
    return _("%(part)s of %(whole)s") % {"part": part, "whole": whole}


def _percent(value: int | None) -> str:
    return "–" if value is None else f"{value} %"


def region_chart(key: str, diversity: Diversity) -> Chart:
    return bar_chart(
        key=key,
        title=_("Organisations by region"),
        description=_(
            "%(total)s organisations; %(south)s of them (%(percent)s) in the Global South."
        )
        % {
            "total": diversity.total,
            "south": diversity.global_south,
            "percent": _percent(diversity.global_south_percent),
        },
        bars=[
            Bar(region if region != "?" else _("Unknown"), n) for region, n in diversity.by_region
        ],
        headers=(_("Region (UN M49)"), _("Organisations")),
    )


def kind_chart(key: str, diversity: Diversity) -> Chart:
    labels = kind_labels()
    return bar_chart(
        key=key,
        title=_("Organisations by kind"),
        description=_("How many of the %(total)s organisations are of each kind.")
        % {"total": diversity.total},
        bars=[Bar(labels.get(kind, kind), n) for kind, n in diversity.by_kind],
        headers=(_("Kind"), _("Organisations")),
    )


def funding_chart(key: str, rows: Sequence[tuple[str, Funding]]) -> Chart:
    """One stacked bar per (label, funding): paid, committed but unpaid, budget left."""
    series = (_("Paid"), _("Committed, not yet paid"), _("Budget not committed"))
    groups = [
        Group(
            label,
            (float(f.paid), float(f.unpaid), float(f.uncommitted)),
            (
                money(f.paid, f.currency),
                money(f.unpaid, f.currency),
                money(f.uncommitted, f.currency),
            ),
        )
        for label, f in rows
    ]
    summary = "; ".join(
        _("%(label)s: %(committed)s committed of a %(budget)s budget, %(paid)s paid")
        % {
            "label": label,
            "committed": money(f.committed, f.currency),
            "budget": money(f.budget, f.currency),
            "paid": money(f.paid, f.currency),
        }
        for label, f in rows
    )
    return stacked_bar_chart(
        key=key,
        title=_("Funding committed and paid"),
        description=summary or _("No budget yet."),
        series=series,
        groups=groups,
        label_header=_("Cohort"),
        totals=[money(f.budget, f.currency) for _label, f in rows],
    )


def session_attendance_chart(key: str, rows: Sequence[SessionRate]) -> Chart:
    """Sessions with attendance recorded: people present ÷ people recorded (the events rule)."""
    recorded = [row for row in rows if row.recorded]
    return bar_chart(
        key=key,
        title=_("Attendance per session"),
        description=_(
            "People recorded as present at each session, as a share of the people whose "
            "attendance was recorded."
        ),
        bars=[
            Bar(
                row.session.title,
                row.percent or 0,
                f"{_percent(row.percent)} ({_of(row.attended, row.recorded)})",
            )
            for row in recorded
        ],
        headers=(_("Session"), _("Present")),
        maximum=100,
    )


def organisation_attendance_chart(key: str, rows: Sequence[OrganisationRate]) -> Chart:
    return bar_chart(
        key=key,
        title=_("Attendance per organisation"),
        description=_(
            "Sessions at which someone of each member organisation was present, of the "
            "sessions with attendance recorded."
        ),
        bars=[
            Bar(
                row.organisation.name,
                row.session_percent or 0,
                f"{_percent(row.session_percent)} ({_of(row.sessions_present, row.sessions_held)})",
            )
            for row in sorted(rows, key=lambda r: (-r.sessions_present, r.organisation.name))
        ],
        headers=(_("Organisation"), _("Sessions attended")),
        maximum=100,
    )


def funnel_chart(key: str, data: Funnel) -> Chart:
    labels = stage_labels()
    return draw_funnel(
        key=key,
        title=_("Application funnel"),
        description=", ".join(f"{labels[stage]}: {data.total[stage]}" for stage in STAGES),
        stages=[Bar(labels[stage], data.total[stage]) for stage in STAGES],
        headers=(_("Stage"), _("Applications"), _("Share of applied")),
    )


def funnel_breakdown_chart(
    key: str, title: str, header: str, rows: Sequence[tuple[str, dict[str, int]]]
) -> Chart:
    labels = stage_labels()
    return grouped_bar_chart(
        key=key,
        title=title,
        description=_("Applications at each stage (applied, eligible, shortlisted, selected)."),
        series=[labels[stage] for stage in STAGES],
        groups=[Group(label, tuple(float(counts[s]) for s in STAGES)) for label, counts in rows],
        label_header=header,
    )


def funnel_charts(prefix: str, data: Funnel) -> list[Chart]:
    kinds = kind_labels()
    regions = sorted(data.by_region.items(), key=lambda item: (-item[1]["applied"], item[0]))
    south = [
        (_("Global South") if flag else _("Global North"), data.by_south[flag])
        for flag in (True, False)
        if flag in data.by_south
    ]
    return [
        funnel_chart(f"{prefix}-funnel", data),
        funnel_breakdown_chart(
            f"{prefix}-funnel-region",
            _("Funnel by region"),
            _("Region (UN M49)"),
            [(region if region != "?" else _("Unknown"), counts) for region, counts in regions],
        ),
        funnel_breakdown_chart(
            f"{prefix}-funnel-south", _("Funnel by Global South"), _("Where"), south
        ),
        funnel_breakdown_chart(
            f"{prefix}-funnel-kind",
            _("Funnel by organisation kind"),
            _("Kind"),
            [(kinds.get(kind, kind), data.by_kind[kind]) for kind in kinds if kind in data.by_kind],
        ),
    ]


def count_chart(
    key: str,
    title: str,
    description: str,
    headers: tuple[str, str],
    rows: Sequence[tuple[str, int]],
) -> Chart:
    return bar_chart(
        key=key,
        title=title,
        description=description,
        bars=[Bar(label, n, formats.number_format(n)) for label, n in rows],
        headers=headers,
    )


def attendance_rate_chart(key: str, rows: Sequence[tuple[str, int]]) -> Chart:
    return bar_chart(
        key=key,
        title=_("Attendance per cohort"),
        description=_(
            "People recorded as present at the cohort's sessions, as a share of the people "
            "whose attendance was recorded."
        ),
        bars=[Bar(label, percent, f"{percent} %") for label, percent in rows],
        headers=(_("Cohort"), _("Present")),
        maximum=100,
    )


def south_shares(data: Funnel) -> list[tuple[str, int | None, int | None]]:
    """(stage, percent of its applications from the Global South by head office, and by
    countries of operation) for the funnel's table."""
    labels = stage_labels()
    return [
        (labels[stage], data.south_percent(stage), data.south_operation_percent(stage))
        for stage in STAGES
    ]


def operation_chart(key: str, operation: Operation) -> Chart:
    return bar_chart(
        key=key,
        title=_("Organisations by country of operation"),
        description=_(
            "%(total)s organisations, each counted once in every country it works in; "
            "%(south)s of them (%(percent)s) work in at least one Global South country. "
            "%(recorded)s recorded their countries of operation; the others count in their "
            "head office's country."
        )
        % {
            "total": operation.total,
            "south": operation.global_south,
            "percent": _percent(operation.global_south_percent),
            "recorded": operation.recorded,
        },
        bars=[Bar(countries.name_of(code), n) for code, n in operation.by_country],
        headers=(_("Country of operation"), _("Organisations")),
    )


def residence_label(key: str) -> str:
    if key == OTHER:
        return _("Other countries (each fewer than %(n)s people)") % {"n": MIN_RESPONSES}
    if key == NOT_RECORDED:
        # Translators: a row of people who did not say where they live (an organisation's
        # missing countries of operation have their own msgid).
        return pgettext("people's country of residence", "Not recorded")
    return countries.name_of(key)


def residence_chart(key: str, residence: Residence) -> Chart:
    withheld = _("fewer than %(n)s") % {"n": residence.minimum}
    if residence.global_south_percent is None:
        share = _("Too few answers to show a Global South share.")
    else:
        share = _(
            "%(percent)s of the people who gave their country of residence live in the Global "
            "South."
        ) % {"percent": _percent(residence.global_south_percent)}
    return bar_chart(
        key=key,
        title=_("Participants by where they live"),
        description=_(
            "%(people)s people take part; a person who lives in several countries counts in "
            "each. Counts below %(n)s are withheld, as on the feedback pages. %(share)s"
        )
        % {"people": residence.people, "n": residence.minimum, "share": share},
        bars=[
            Bar(
                residence_label(row.key),
                row.people or 0,
                withheld
                if row.people is None
                else f"{row.people} ({_percent(residence.percent(row))})",
            )
            for row in residence.rows
        ],
        # Translators: column header over countries where participants live.
        headers=(_("Lives in"), _("People (share of participants)")),
    )
