"""What a cohort's output report shows: the same content for the page, the Markdown and the PDF.

The report is a public document once published, so it only ever holds what anyone may read:
learnings through `visible_learnings` of an anonymous visitor (published and public), and of
the sessions only their title, theme, contributors and a minutes excerpt. A convener's draft
preview is exactly what will be published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.collaborations.models import DataCollaboration
from datacollab.core.content_language import localized
from datacollab.core.errors import NotFound
from datacollab.events.models import Session
from datacollab.events.selectors.attendance import attendance_rates
from datacollab.learnings.models import Learning, Tag, Visibility
from datacollab.learnings.selectors import visible_learnings
from datacollab.network.models import Application, Cohort
from datacollab.organisations.models import Organisation
from datacollab.reports import figures, rules
from datacollab.reports.charts import Chart
from datacollab.reports.models import CohortReport, ReportSection
from datacollab.reports.selectors import figures as numbers
from datacollab.reports.selectors.feedback import feedback_charts

EXCERPT_CHARS = 600
# Sessions that belong in a public account of the cohort (1:1 support stays private).
REPORTED_KINDS = ("roundtable", "workshop")


def cohort_by_slug(slug: str) -> Cohort:
    cohort = Cohort.objects.filter(slug=slug).select_related("network").first()
    if cohort is None:
        raise NotFound(_("There is no cohort “%(slug)s”.") % {"slug": slug})
    return cohort


def report_of(cohort: Cohort) -> CohortReport:
    """The cohort's report, or an unsaved draft with every section if none was begun."""
    report = CohortReport.objects.filter(cohort=cohort).first()
    return report if report is not None else CohortReport(cohort=cohort)


def report_for_viewer(*, viewer: Any, cohort_slug: str) -> CohortReport:
    """The report if the viewer may read it; 404 otherwise, so a draft's existence stays private."""
    cohort = cohort_by_slug(cohort_slug)
    report = report_of(cohort)
    if not rules.can_view_report(viewer, report):
        raise NotFound(
            _("%(cohort)s has no published output report yet.") % {"cohort": cohort.name}
        )
    return report


_BULLET = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s")


def _units(block: str) -> tuple[list[str], str]:
    """A block's units: a list's items (joined back with newlines), else the paragraph."""
    lines = block.splitlines()
    if not _BULLET.match(lines[0]):
        return [block], "\n\n"
    items: list[str] = []
    for line in lines:
        if _BULLET.match(line) or not items:
            items.append(line)
        else:
            items[-1] += "\n" + line
    return items, "\n"


def excerpt(minutes: str, limit: int = EXCERPT_CHARS) -> str:
    """The opening of Markdown minutes, at most about `limit` characters, as Markdown.

    Headings are skipped, and so is a paragraph restating the primary contributors (the report
    lists them). Whole paragraphs and list items are kept while they fit; a first one longer
    than the limit is cut at a word. "…" says something was left out.
    """
    label = _("Primary contributors")
    blocks = [
        block.strip("\n")
        for block in re.split(r"\n\s*\n", minutes or "")
        if block.strip()
        and not block.strip().startswith("#")
        and not block.strip().lstrip("*_").startswith((label, "Primary contributors"))
    ]
    out = ""
    for block in blocks:
        units, joiner = _units(block)
        for index, unit in enumerate(units):
            separator = ("\n\n" if index == 0 else joiner) if out else ""
            if len(out) + len(separator) + len(unit) <= limit:
                out += separator + unit
                continue
            if not out:
                return unit[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + " …"
            return out + "\n\n…"
    return out


@dataclass(frozen=True)
class SessionSummary:
    session: Session
    contributors: list[Organisation]
    excerpt: str  # Markdown


@dataclass(frozen=True)
class ThemeGroup:
    name: str
    learnings: list[Learning]


@dataclass(frozen=True)
class Participant:
    organisation: Organisation
    region: str
    collaboration: DataCollaboration | None
    project: str


@dataclass
class ReportContent:
    report: CohortReport
    cohort: Cohort
    title: str
    sections: list[str]
    generated_at: Any
    sessions: list[SessionSummary] = field(default_factory=list)
    themes: list[ThemeGroup] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    global_south_percent: int | None = None
    revision: int | None = None  # the revision being frozen, when publishing

    def shows(self, section: str) -> bool:
        return section in self.sections


def _sessions(cohort: Cohort) -> list[SessionSummary]:
    sessions = (
        Session.objects.filter(
            cohort=cohort,
            kind__in=REPORTED_KINDS,
            status=Session.Status.SCHEDULED,
        )
        .prefetch_related(Prefetch("contributors", queryset=Organisation.objects.order_by("name")))
        .order_by("starts_at", "pk")
    )
    return [
        SessionSummary(session, list(session.contributors.all()), excerpt(session.minutes))
        for session in sessions
    ]


def _themes(cohort: Cohort, as_of: datetime) -> list[ThemeGroup]:
    """Published public learnings under their first programme theme; untagged ones last.

    Only those published by `as_of`: a revision published in March never gains a learning
    published in June, even when it is rendered later (a revision carried over from before
    snapshots)."""
    learnings = (
        visible_learnings(AnonymousUser())
        .filter(
            cohort=cohort,
            status=Learning.Status.PUBLISHED,
            visibility=Visibility.PUBLIC,
            published_at__lte=as_of,
        )
        .select_related("session")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("pk")),
            Prefetch("contributors", queryset=Organisation.objects.order_by("name")),
        )
        .order_by("published_at", "pk")
    )
    groups: dict[int | None, tuple[str, list[Learning]]] = {}
    for learning in learnings:
        theme = next((tag for tag in learning.tags.all() if tag.is_theme), None)
        key, name = (theme.pk, theme.name) if theme else (None, _("Other learnings"))
        groups.setdefault(key, (name, []))[1].append(learning)
    ordered = sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or 0))
    return [ThemeGroup(name, items) for _key, (name, items) in ordered]


def _participants(cohort: Cohort) -> list[Participant]:
    members = list(Organisation.objects.filter(cohort_memberships__cohort=cohort).order_by("name"))
    applications: dict[int, Application] = {}
    for candidate in (
        Application.objects.filter(
            call__cohort=cohort,
            organisation__in=members,
            status=Application.Status.SUBMITTED,
        )
        .select_related("collaboration")
        .order_by("created_at", "pk")
    ):
        current = applications.get(candidate.organisation_id)
        if current is None or candidate.decision == Application.Decision.SELECTED:
            applications[candidate.organisation_id] = candidate
    rows = []
    for org in members:
        app = applications.get(org.pk)
        rows.append(
            Participant(
                organisation=org,
                region=numbers.region_name(org.country).replace("?", ""),
                collaboration=app.collaboration if app else None,
                project=app.title if app else "",
            )
        )
    return rows


def _charts(cohort: Cohort) -> tuple[list[Chart], int | None]:
    diversity = numbers.cohort_diversity(cohort.pk)
    funding = numbers.funding([cohort])[cohort.pk]
    attendance = [row for row in attendance_rates(cohort).sessions if row.recorded]
    charts = [
        figures.region_chart("report-regions", diversity),
        figures.kind_chart("report-kinds", diversity),
        figures.funding_chart("report-funding", [(cohort.name, funding)]),
    ]
    if attendance:
        charts.append(figures.session_attendance_chart("report-attendance", attendance))
    charts.extend(feedback_charts(cohort))
    return charts, diversity.global_south_percent


def report_content(report: CohortReport, *, as_of: datetime | None = None) -> ReportContent:
    """Everything the chosen sections show, as of `as_of` (default now): the learnings are
    those published by then. Call only once the viewer may read the report."""
    as_of = as_of or timezone.now()
    cohort = report.cohort
    sections = [s for s in ReportSection.values if s in (report.sections or [])]
    content = ReportContent(
        report=report,
        cohort=cohort,
        # In the reader's language where the convener translated it (core/content_language).
        title=localized(report, "title") or _("The output of %(cohort)s") % {"cohort": cohort.name},
        sections=sections,
        generated_at=as_of,
    )
    if ReportSection.SESSIONS in sections:
        content.sessions = _sessions(cohort)
    if ReportSection.LEARNINGS in sections:
        content.themes = _themes(cohort, as_of)
    if ReportSection.PARTICIPANTS in sections:
        content.participants = _participants(cohort)
    if ReportSection.FIGURES in sections:
        content.charts, content.global_south_percent = _charts(cohort)
    return content
