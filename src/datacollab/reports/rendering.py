"""A cohort's output report as a standalone HTML document, as Markdown, and as PDF (WeasyPrint).

The PDF is made offline: the document carries its stylesheet and its charts inline (SVG), the
fonts are the system's DejaVu, and the URL fetcher refuses every URL but `data:`, so nothing a
convener or participant wrote can make the server fetch anything while rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from datacollab.core import dates
from datacollab.core.content_language import localized
from datacollab.organisations.models import OrganisationKind
from datacollab.reports.charts import Chart
from datacollab.reports.models import ReportSection
from datacollab.reports.selectors.report import ReportContent

FORMATS = ("html", "md", "pdf")
STATIC = Path(__file__).resolve().parent / "static" / "reports"
PRINT_CSS = STATIC / "report-document.css"


class OfflineFetcher(URLFetcher):
    """Fetches `data:` URLs only: a report never reaches the network or the server's files."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"the report renderer fetches nothing ({url} refused)")


@cache
def print_stylesheet() -> str:
    return PRINT_CSS.read_text("utf-8")


def render_body(content: ReportContent) -> str:
    """The report's article, as the site's page shows it and as a revision stores it."""
    return render_to_string(
        "reports/report/_body.html",
        {"content": content, "report": content.report, "cohort": content.cohort},
    )


def document(
    *,
    body: str,
    title: str,
    cohort: Any,
    generated_at: Any,
    css: str,
    draft: bool = False,
    revision: Any = None,
) -> str:
    """A body (live, or a revision's stored one) as a standalone HTML document."""
    return render_to_string(
        "reports/report/document.html",
        {
            "body": mark_safe(body),  # rendered by our own templates: escaped and sanitised
            "title": title,
            "cohort": cohort,
            "generated_at": generated_at,
            "css": css,
            "draft": draft,
            "revision": revision,
        },
    )


def _document(content: ReportContent, css: str) -> str:
    return document(
        body=render_body(content),
        title=content.title,
        cohort=content.cohort,
        generated_at=content.generated_at,
        css=css,
        draft=not content.report.is_published,
    )


def render_html(content: ReportContent) -> str:
    """A standalone page (stylesheet inside) that opens in any browser without the site."""
    return _document(content, print_stylesheet())


def pdf_from_html(html: str) -> bytes:
    fetcher = OfflineFetcher()
    pages = HTML(string=html, url_fetcher=fetcher, base_url=None)
    return pages.write_pdf(stylesheets=[CSS(string=print_stylesheet(), url_fetcher=fetcher)])


def render_pdf(content: ReportContent) -> bytes:
    return pdf_from_html(_document(content, ""))


# --- Markdown -------------------------------------------------------------------------------

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def md_text(text: str) -> str:
    """Plain text (a name, a title) made safe to sit inside Markdown: specials escaped."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _md_table(chart: Chart) -> list[str]:
    lines = [f"**{md_text(chart.title)}**", ""]
    if chart.empty:
        return [*lines, _("No data yet."), ""]
    lines.append("| " + " | ".join(md_text(h) for h in chart.headers) + " |")
    lines.append("| " + " | ".join(["---"] + ["---:"] * (len(chart.headers) - 1)) + " |")
    lines += ["| " + " | ".join(md_text(cell) for cell in row) + " |" for row in chart.rows]
    return [*lines, "", f"*{md_text(chart.description)}*", ""]


def _date(value: Any) -> str:
    return dates.date_format(timezone.localtime(value), "DATE_FORMAT")


def render_markdown(content: ReportContent) -> str:
    """The report in Markdown. What people wrote in Markdown is kept as they wrote it."""
    cohort, report = content.cohort, content.report
    kinds = dict(OrganisationKind.choices)
    focus = localized(cohort, "focus")
    out = [
        f"# {md_text(content.title)}",
        "",
        f"*{md_text(cohort.name)} · {dates.date_format(cohort.starts_on, 'DATE_FORMAT')} – "
        f"{dates.date_format(cohort.ends_on, 'DATE_FORMAT')} · {md_text(focus)}*",
        "",
    ]
    if report.published_at:
        date = _date(report.published_at)
        if content.revision:
            line = _("Revision %(number)s, published on %(date)s.") % {
                "number": content.revision,
                "date": date,
            }
        else:
            line = _("Published on %(date)s.") % {"date": date}
        out += [line, ""]
    else:
        out += [_("Draft, not yet published."), ""]
    introduction = localized(report, "introduction").strip()
    if introduction:
        out += [introduction, ""]
    if content.shows(ReportSection.SESSIONS):
        out += ["## " + _("Sessions"), ""]
        for item in content.sessions:
            session = item.session
            out += [f"### {md_text(session.title)}", ""]
            facts = [session.get_kind_display(), _date(session.starts_at)]
            if session.theme:
                facts.append(_("Theme: %(theme)s") % {"theme": session.theme})
            out += [md_text(" · ".join(facts)), ""]
            if item.contributors:
                names = ", ".join(org.name for org in item.contributors)
                out += [md_text(_("Primary contributors: %(names)s") % {"names": names}), ""]
            if item.excerpt:
                out += [item.excerpt, ""]
        if not content.sessions:
            out += [_("No sessions yet."), ""]
    if content.shows(ReportSection.LEARNINGS):
        out += ["## " + _("Learnings"), ""]
        for group in content.themes:
            out += [f"### {md_text(group.name)}", ""]
            for learning in group.learnings:
                title, body = localized(learning, "title"), localized(learning, "body")
                out += [f"#### {md_text(title)}", "", body.strip(), ""]
                names = ", ".join(org.name for org in learning.contributors.all())
                if names:
                    credited = _("Credited to %(names)s") % {"names": names}
                    out += [f"*{md_text(credited)}*", ""]
        if not content.themes:
            out += [_("No published learnings yet."), ""]
    if content.shows(ReportSection.PARTICIPANTS):
        out += ["## " + _("Participants"), ""]
        for person in content.participants:
            org = person.organisation
            out += [f"### {md_text(org.name)}", ""]
            facts = [str(kinds.get(org.kind, org.kind)), org.country_name]
            if person.region:
                facts.append(person.region)
            out += [md_text(" · ".join(facts)), ""]
            if person.collaboration is not None:
                out += [
                    md_text(_("Collaboration: %(name)s") % {"name": person.collaboration.name}),
                    "",
                ]
            elif person.project:
                out += [md_text(_("Project: %(title)s") % {"title": person.project}), ""]
            if org.description.strip():
                out += [org.description.strip(), ""]
    if content.shows(ReportSection.FIGURES):
        out += ["## " + _("Figures"), ""]
        for chart in content.charts:
            out += _md_table(chart)
    return "\n".join(out).rstrip() + "\n"


def render(content: ReportContent, fmt: str) -> bytes:
    """The report in one of FORMATS, as bytes ready to write or send."""
    if fmt == "pdf":
        return render_pdf(content)
    if fmt == "md":
        return render_markdown(content).encode("utf-8")
    if fmt == "html":
        return render_html(content).encode("utf-8")
    raise ValueError(fmt)


@dataclass(frozen=True)
class Frozen:
    """A report rendered once for a revision: what the page, report.md and report.pdf serve."""

    html: str
    markdown: str
    pdf: bytes
    counts: dict[str, int]
    title: str = ""


def counts(content: ReportContent) -> dict[str, int]:
    """What a publication makes public, section by section (0 for a section not shown)."""
    return {
        "sessions": len(content.sessions),
        "learnings": sum(len(group.learnings) for group in content.themes),
        "participants": len(content.participants),
    }


def freeze(content: ReportContent, *, revision: int) -> Frozen:
    """Render the three formats once, naming the revision they make."""
    content.revision = revision
    return Frozen(
        html=render_body(content),
        markdown=render_markdown(content),
        pdf=render_pdf(content),
        counts=counts(content),
        title=content.title,
    )
