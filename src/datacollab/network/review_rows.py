"""The rows of the convener's assignments and scores tables, written in Python.

The same HTML as the `{% for row in … %}` loops they replace in
`network/reviews/call_assignments.html` and `call_scores.html` (tests/network/
test_assignment_rows.py keeps those loops and compares both byte for byte): an open call's
hundred applications, each with its reviewers (and on the assignments page a remove form per
reviewer), were some 2,500 template nodes a view, the largest part of the pages' CPU.
"""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from datacollab.core.html_text import blocktranslated, csrf_input, shown, url_with_last_id
from datacollab.core.templatetags.content_language import lang_if_other
from datacollab.network.models import Call
from datacollab.network.selectors.reviews import AssignmentRow, ScoreRow

REMOVE = gettext_noop("Remove %(name)s")
DONE_OF = gettext_noop("%(done)s of %(need)s")
# In f-strings, which makemessages cannot read: marked here, translated where used.
SUBMITTED = gettext_noop("submitted")
DRAFT = gettext_noop("draft")
BY_HAND = gettext_noop("by hand")
LATE = gettext_noop("late")
NONE_YET = gettext_noop("None yet")
NOT_SUBMITTED = gettext_noop("not submitted")
NO_REVIEWERS = gettext_noop("No reviewers")


def _reviewer(assignment: Any, *, locked: bool, csrf: str, remove_url: Any) -> str:
    review = getattr(assignment, "review", None)  # None: no review begun
    submitted = review is not None and review.submitted_at
    if submitted:
        status = f'<span class="badge">{gettext(SUBMITTED)}</span>'
    elif review is not None:
        status = f'<span class="muted">{gettext(DRAFT)}</span>'
    else:
        status = ""
    by_hand = (
        f'<span class="muted">{gettext(BY_HAND)}</span>' if assignment.source == "manual" else ""
    )
    form = ""
    if not locked and not submitted:
        form = (
            f'\n            <form method="post" action="{remove_url(assignment.pk)}"'
            ' class="actions">\n'
            f"              {csrf}\n"
            '              <button type="submit" class="danger">'
            f"{blocktranslated(REMOVE, name=assignment.reviewer)}</button>\n"
            "            </form>\n            "
        )
    return (
        f"\n          <li>{shown(assignment.reviewer)}\n"
        f"            {status}\n"
        f"            {by_hand}\n"
        f"            {form}\n"
        "          </li>\n        "
    )


def _no_rows() -> SafeString:
    empty = gettext("No submitted, eligible applications yet.")
    return mark_safe(f'\n    <tr><td colspan="5" class="muted">{empty}</td></tr>\n  ')


def assignment_rows(
    rows: list[AssignmentRow],
    *,
    call: Call,
    locked: bool,
    deadline_passed: bool,
    csrf_token: Any,
) -> SafeString:
    if not rows:
        return _no_rows()
    csrf = csrf_input(csrf_token)
    reviews_url = url_with_last_id("application-reviews", call.slug)
    remove_url = url_with_last_id("call-assignment-remove", call.slug)
    need = call.reviews_per_application
    late = f' <span class="warn">{gettext(LATE)}</span>'
    none_yet = f'\n          <li class="muted">{gettext(NONE_YET)}</li>\n        '
    parts = []
    for row in rows:
        app = row.application
        reviewers = "".join(
            _reviewer(a, locked=locked, csrf=csrf, remove_url=remove_url) for a in row.assignments
        )
        parts.append(
            "\n    <tr>\n"
            f"      <td>{shown(app.organisation.name)} "
            f'<span class="muted">{shown(app.organisation.country)}</span></td>\n'
            f'      <td><a href="{reviews_url(app.pk)}"{lang_if_other(app.language)}>'
            f"{shown(app.title)}</a></td>\n"
            "      <td>\n"
            "        <ul>\n"
            f"        {reviewers or none_yet}\n"
            "        </ul>\n"
            "      </td>\n"
            f'      <td class="num">{blocktranslated(DONE_OF, done=row.submitted, need=need)}'
            f"{late if deadline_passed and row.submitted < need else ''}</td>\n"
            f'      <td class="num">{shown(row.missing)}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(parts))  # every value above is escaped as the template does


def _score(value: float | None) -> str:
    return "–" if value is None else floatformat(value, 2)


def score_rows(rows: list[ScoreRow], *, call: Call) -> SafeString:
    if not rows:
        return _no_rows()
    reviews_url = url_with_last_id("application-reviews", call.slug)
    not_submitted = f'<span class="muted">{gettext(NOT_SUBMITTED)}</span>'
    no_reviewers = f'\n          <li class="muted">{gettext(NO_REVIEWERS)}</li>\n        '
    parts = []
    for row in rows:
        app = row.application
        reviews = "".join(
            f"\n          <li>{shown(review.label)}: "
            + (
                not_submitted
                if review.weighted_score is None
                else f"{floatformat(review.weighted_score, 2)} / {floatformat(review.z_score, 2)}"
            )
            + "</li>\n        "
            for review in row.reviews
        )
        parts.append(
            "\n    <tr>\n"
            f"      <td>{shown(app.organisation.name)}</td>\n"
            f'      <td><a href="{reviews_url(app.pk)}"{lang_if_other(app.language)}>'
            f"{shown(app.title)}</a></td>\n"
            "      <td>\n"
            "        <ul>\n"
            f"        {reviews or no_reviewers}\n"
            "        </ul>\n"
            "      </td>\n"
            f'      <td class="num">{_score(row.raw_mean)}</td>\n'
            f'      <td class="num">{_score(row.normalised_mean)}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(parts))  # every value above is escaped as the template does
