"""What the output report holds: sessions, learnings by theme, participants, figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from datacollab.events.models import Session
from datacollab.reports.models import CohortReport
from datacollab.reports.selectors import figures as numbers
from datacollab.reports.selectors.report import excerpt, report_content, report_of
from tests.factories_learnings import make_learning, theme

pytestmark = pytest.mark.django_db


def test_report_of_a_cohort_without_one_is_an_unsaved_draft_with_every_section(output):
    report = report_of(output.cohort)

    assert report.pk is None
    assert report.status == CohortReport.Status.DRAFT
    assert report.sections == ["sessions", "learnings", "participants", "figures"]


def test_report_title_defaults_to_the_cohort_name(output):
    content = report_content(report_of(output.cohort))

    assert content.title == "The output of River Data 2027"


def test_report_lists_group_sessions_with_contributors_and_minutes_excerpt(output):
    Session.objects.create(
        network=output.cohort.network,
        cohort=output.cohort,
        kind="workshop",
        slug="cancelled-workshop",
        title="Cancelled workshop",
        starts_at=output.roundtable.starts_at,
        ends_at=output.roundtable.ends_at,
        status=Session.Status.CANCELLED,
    )

    content = report_content(report_of(output.cohort))

    assert [item.session.title for item in content.sessions] == ["Roundtable on value and impact"]
    assert [org.name for org in content.sessions[0].contributors] == [
        "Nairobi Water Commons",
        "Thames Research Lab",
    ]
    assert content.sessions[0].excerpt == (
        "We measured **impact** by counting reuses.\n\nSecond point."
    )


def test_report_shows_only_published_public_learnings_grouped_by_first_theme(output):
    content = report_content(report_of(output.cohort))

    groups = [(group.name, [item.title for item in group.learnings]) for group in content.themes]

    assert groups == [
        ("Value and impact", ["Count reuses, not downloads"]),
        ("Governance model", ["Write the data-sharing agreement first"]),
    ]
    assert [org.name for org in content.themes[0].learnings[0].contributors.all()] == [
        "Nairobi Water Commons",
        "Thames Research Lab",
    ]


def test_report_puts_learnings_without_a_theme_last(output):
    make_learning(cohort=output.cohort, title="Untagged insight", visibility="public")

    content = report_content(report_of(output.cohort))

    assert [group.name for group in content.themes] == [
        "Value and impact",
        "Governance model",
        "Other learnings",
    ]


def test_report_profiles_every_member_with_region_and_collaboration(output):
    content = report_content(report_of(output.cohort))

    rows = [
        (
            p.organisation.name,
            p.region,
            p.collaboration.name if p.collaboration else None,
            p.project,
        )
        for p in content.participants
    ]

    assert rows == [
        ("Dados do Rio", "Americas", None, ""),
        ("Nairobi Water Commons", "Africa", "Open Rivers Kenya", "Gauges for all"),
        ("Thames Research Lab", "Europe", None, ""),
    ]


def test_report_figures_cover_diversity_funding_and_attendance(output):
    content = report_content(report_of(output.cohort))

    charts = {chart.key: chart for chart in content.charts}

    assert list(charts) == [
        "report-regions",
        "report-kinds",
        "report-funding",
        "report-attendance",
    ]
    assert charts["report-regions"].rows == [("Africa", "1"), ("Americas", "1"), ("Europe", "1")]
    assert charts["report-kinds"].rows == [
        ("Company", "1"),
        ("Research institution", "1"),
        ("Non-profit", "1"),
    ]
    assert charts["report-funding"].rows == [
        ("River Data 2027", "£20,000.00", "£10,000.00", "£70,000.00")
    ]
    assert charts["report-attendance"].rows == [("Roundtable on value and impact", "67 % (2 of 3)")]
    assert content.global_south_percent == 67


def test_report_leaves_out_sections_not_chosen(output):
    report = CohortReport.objects.create(cohort=output.cohort, sections=["learnings"])

    content = report_content(report)

    assert content.sections == ["learnings"]
    assert (content.sessions, content.participants, content.charts) == ([], [], [])
    assert len(content.themes) == 2


def test_funding_sums_awards_and_paid_instalments_apart(output):
    funding = numbers.funding([output.cohort])[output.cohort.pk]

    assert (funding.budget, funding.committed, funding.paid) == (
        Decimal("100000.00"),
        Decimal("30000.00"),
        Decimal("20000.00"),
    )


def test_published_by_theme_counts_a_learning_under_each_theme(output):
    make_learning(
        cohort=output.cohort,
        visibility="cohort",
        tags=[theme("trust-and-privacy"), theme("value-and-impact")],
    )

    assert numbers.published_by_theme(output.cohort.pk) == [
        ("Value and impact", 2),
        ("Governance model", 1),
        ("Trust and privacy", 2),
    ]


def test_excerpt_skips_headings_and_cuts_a_long_paragraph_at_a_word():
    minutes = "# Minutes\n\n" + "word " * 200

    text = excerpt(minutes, limit=22)

    assert text == "word word word word …"


def test_excerpt_marks_paragraphs_left_out():
    assert excerpt("First.\n\nSecond paragraph is long.", limit=10) == "First.\n\n…"


def test_excerpt_of_no_minutes_is_empty():
    assert excerpt("") == ""


def test_excerpt_keeps_whole_list_items_that_fit():
    minutes = (
        "**Primary contributors:** A, B.\n\n"
        "- **One.** First point\n  continues here.\n"
        "- **Two.** Second point.\n"
        "- **Three.** " + "long " * 50
    )

    text = excerpt(minutes, limit=70)

    assert text == ("- **One.** First point\n  continues here.\n- **Two.** Second point.\n\n…")
