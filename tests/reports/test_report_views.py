"""The output report's pages: public once published, conveners only before; edit and publish."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from datacollab.core.models import AuditEntry
from datacollab.reports.models import CohortReport
from datacollab.reports.services.cohort_reports import edit_report, publish_report
from tests.factories_learnings import make_learning, theme
from tests.factories_reports import attend, make_member, make_person, make_session

pytestmark = pytest.mark.django_db


def _url(name: str, output) -> str:
    return reverse(name, kwargs={"cohort_slug": output.cohort.slug})


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def published(output, convener):
    edit_report(
        actor=convener,
        cohort=output.cohort,
        title="River Data: what we learnt",
        introduction="Six months of **roundtables** about rivers.",
        sections=["sessions", "learnings", "participants", "figures"],
    )
    return publish_report(actor=convener, cohort=output.cohort)


def test_published_report_page_is_public(published, output):
    response = Client().get(_url("cohort-report", output))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>roundtables</strong>" in html
    assert "Count reuses, not downloads" in html
    assert "Roundtable on value and impact" in html
    assert "Nairobi Water Commons" in html
    assert 'aria-labelledby="report-regions-title report-regions-desc"' in html
    assert "Publish the report" not in html


def test_published_report_never_shows_cohort_only_or_draft_learnings(published, output):
    html = Client().get(_url("cohort-report", output)).content.decode()

    assert "Our funder&#x27;s private plans" not in html
    assert "Our funder's private plans" not in html
    assert "Half-baked idea" not in html
    assert "Private support call" not in html


def test_draft_report_is_404_for_anonymous_and_participants(output, login):
    participant = output.people[0]

    anonymous = Client().get(_url("cohort-report", output))
    member = login(participant).get(_url("cohort-report", output))

    assert anonymous.status_code == 404
    assert member.status_code == 404
    assert "River Data 2027 has no published output report yet." in member.content.decode()


def test_draft_downloads_are_404_for_others(output, login):
    participant = output.people[0]

    assert login(participant).get(_url("cohort-report-markdown", output)).status_code == 404
    assert Client().get(_url("cohort-report-pdf", output)).status_code == 404


def test_convener_previews_a_report_not_begun(output, convener, login):
    response = login(convener).get(_url("cohort-report", output))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Not begun: this is what the report would show. Only conveners see it." in html
    assert "Publish the report" in html
    assert response["X-Robots-Tag"] == "noindex"


def test_unknown_cohort_report_is_404(db):
    response = Client().get(reverse("cohort-report", kwargs={"cohort_slug": "nope"}))

    assert response.status_code == 404


def test_published_markdown_download(published, output):
    response = Client().get(_url("cohort-report-markdown", output))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == ('attachment; filename="river-data-2027-report.md"')
    text = response.content.decode()
    assert text.startswith("# River Data: what we learnt\n")
    assert "Six months of **roundtables** about rivers." in text
    assert "### Value and impact\n\n#### Count reuses, not downloads" in text
    assert "*Credited to Nairobi Water Commons, Thames Research Lab*" in text
    assert "| Region \\(UN M49\\) | Organisations |" not in text  # brackets are not escaped
    assert "| Region (UN M49) | Organisations |\n| --- | ---: |\n| Africa | 1 |" in text
    assert "private plans" not in text


def test_published_pdf_holds_the_report_text(published, output):
    response = Client().get(_url("cohort-report-pdf", output))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content)
    for expected in (
        "River Data: what we learnt",
        "Six months of roundtables about rivers.",
        "Roundtable on value and impact",
        "Primary contributors: Nairobi Water Commons, Thames Research Lab",
        "Count reuses, not downloads",
        "Credited to Dados do Rio",
        "Thames Research Lab",
        "Organisations by region",
        "Funding committed and paid",
        "Attendance per session",
        "67 % (2 of 3)",
    ):
        assert expected in text, expected
    assert "private plans" not in text
    assert "Half-baked idea" not in text


def test_edit_page_saves_through_the_service(output, convener, login):
    client = login(convener)

    response = client.post(
        _url("cohort-report-edit", output),
        {"title": "", "introduction": "Hello *rivers*.", "sections": ["learnings", "figures"]},
    )

    assert response.status_code == 302
    report = CohortReport.objects.get(cohort=output.cohort)
    assert (report.introduction, report.sections) == ("Hello *rivers*.", ["learnings", "figures"])
    assert AuditEntry.objects.filter(action="report.edited").count() == 1


def test_edit_page_shows_form_errors_for_junk(output, convener, login):
    response = login(convener).post(
        _url("cohort-report-edit", output), {"title": "x" * 500, "sections": ["gossip"]}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice. gossip is not one of the available choices." in html
    assert CohortReport.objects.count() == 0


def test_edit_page_is_refused_to_participants_with_a_message(output, login):
    response = login(output.people[0]).get(_url("cohort-report-edit", output))

    assert response.status_code == 403
    assert "Only a convener can edit a cohort&#x27;s output report." in response.content.decode()


def test_publish_page_states_what_will_be_made_public(output, convener, login):
    edit_report(
        actor=convener,
        cohort=output.cohort,
        introduction="",
        sections=["sessions", "learnings", "participants"],
    )

    response = login(convener).get(_url("cohort-report-publish", output))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Publish revision 1 of the output report" in html
    # One roundtable (the 1:1 stays private), two public learnings, three members.
    assert "1 session summary (roundtables and workshops)" in html
    assert "2 learnings (published and public only)" in html
    assert "3 participating organisations' profiles" in html
    assert '<input type="hidden" name="revision" value="1">' in html
    assert CohortReport.objects.get().is_published is False


def test_publish_confirmed_publishes_and_the_page_opens_to_all(output, convener, login):
    response = login(convener).post(_url("cohort-report-publish", output), {"revision": "1"})

    assert response.status_code == 302
    assert Client().get(_url("cohort-report", output)).status_code == 200
    assert AuditEntry.objects.filter(action="report.published").count() == 1


def test_publish_without_the_confirmed_revision_publishes_nothing(output, convener, login):
    response = login(convener).post(_url("cohort-report-publish", output))

    assert response.status_code == 400
    assert CohortReport.objects.filter(status="published").count() == 0


def test_publish_is_refused_to_participants_with_a_message(output, login):
    response = login(output.people[0]).post(
        _url("cohort-report-publish", output), {"revision": "1"}
    )

    assert response.status_code == 403
    assert "Only a convener can publish a cohort&#x27;s output report" in response.content.decode()
    assert CohortReport.objects.count() == 0


def test_publish_page_is_refused_to_participants(output, login):
    response = login(output.people[0]).get(_url("cohort-report-publish", output))

    assert response.status_code == 403


def test_publish_sent_twice_answers_409(published, output, convener, login):
    response = login(convener).post(_url("cohort-report-publish", output), {"revision": "1"})

    assert response.status_code == 409
    assert "Revision 1 is already published" in response.content.decode()


def test_unpublish_hides_the_report_again(published, output, convener, login):
    login(convener).post(_url("cohort-report-unpublish", output))

    assert Client().get(_url("cohort-report", output)).status_code == 404


def _grow(output, n: int) -> None:
    """n more members, sessions with attendance, and public learnings with themes."""
    for i in range(n):
        org = make_member(output.cohort, country=["KE", "IN", "FR"][i % 3])
        person = make_person(org)
        session = make_session(output.cohort, contributors=[org])
        attend(session, person)
        make_learning(
            cohort=output.cohort,
            visibility="public",
            tags=[theme("data-quality")],
            contributors=[org],
            session=session,
        )


def test_report_preview_queries_do_not_grow_with_its_content(
    published, output, convener, login, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(convener)
    _grow(output, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url("cohort-report-preview", output)).status_code == 200
    _grow(output, 8)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(_url("cohort-report-preview", output))

    assert response.status_code == 200
    assert response.content.decode().count('class="learning"') == 12


def test_cohort_page_links_to_the_report_only_once_published(output, convener):
    cohort_page = reverse("cohort-detail", kwargs={"slug": output.cohort.slug})
    report_link = f'href="{_url("cohort-report", output)}"'
    edit_report(
        actor=convener,
        cohort=output.cohort,
        title="Draft",
        introduction="Soon.",
        sections=["figures"],
    )

    before = Client().get(cohort_page).content.decode()
    publish_report(actor=convener, cohort=output.cohort)
    after = Client().get(cohort_page).content.decode()

    assert (report_link in before, report_link in after) == (False, True)


def test_published_page_answers_in_as_many_queries_whatever_its_content(
    output, convener, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _grow(output, 2)
    publish_report(actor=convener, cohort=output.cohort)
    with CaptureQueriesContext(connection) as small:
        assert Client().get(_url("cohort-report", output)).status_code == 200
    _grow(output, 8)
    publish_report(actor=convener, cohort=output.cohort)

    with django_assert_num_queries(len(small.captured_queries)):
        response = Client().get(_url("cohort-report", output))

    assert response.content.decode().count('class="learning"') == 12
