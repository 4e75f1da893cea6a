"""The cohort's feedback summary in its output report (a public document).

Only what the small-group rule lets anyone see: the average rating of each session with at
least MIN_RESPONSES answers, never a comment.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.evaluation import selectors as evaluation
from datacollab.network.models import Cohort
from datacollab.reports.charts import Bar, Chart, bar_chart


def feedback_charts(cohort: Cohort) -> list[Chart]:
    rows = [row for row in evaluation.cohort_feedback(cohort) if row.average is not None]
    if not rows:
        return []
    return [
        bar_chart(
            key="report-feedback",
            title=_("How participants rated the sessions"),
            description=ngettext(
                "Average rating from 1 (not useful) to 5 (very useful) given by the people who "
                "attended. Sessions with fewer than %(n)d answer are left out, so that no one "
                "can be recognised.",
                "Average rating from 1 (not useful) to 5 (very useful) given by the people who "
                "attended. Sessions with fewer than %(n)d answers are left out, so that no one "
                "can be recognised.",
                evaluation.MIN_RESPONSES,
            )
            % {"n": evaluation.MIN_RESPONSES},
            bars=[
                Bar(row.session.title, row.average or 0, f"{row.average} / 5 ({row.responses})")
                for row in rows
            ],
            headers=(_("Session"), _("Average rating (answers)")),
            maximum=5,
        )
    ]
