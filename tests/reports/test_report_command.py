"""`datacollab report --cohort SLUG --format pdf|md|html -o FILE`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from datacollab.reports.rendering import OfflineFetcher

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    err = io.StringIO()
    call_command("report", *args, stderr=err)
    return err.getvalue()


def test_report_command_writes_a_pdf(output, tmp_path):
    target = tmp_path / "report.pdf"

    message = _run("--cohort", output.cohort.slug, "--format", "pdf", "-o", str(target))

    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(target).pages
    )
    assert "The output of River Data 2027" in text
    assert "Draft: not yet published." in text
    assert "Write the data-sharing agreement first" in text
    assert message.startswith("Wrote the pdf report of river-data-2027 (a draft, not yet public, ")
    assert message.endswith(f" bytes) to {target}.\n")


def test_report_command_writes_markdown(output, tmp_path):
    target = tmp_path / "report.md"

    _run("--cohort", output.cohort.slug, "--format", "md", "-o", str(target))

    text = target.read_text("utf-8")
    assert text.startswith("# The output of River Data 2027\n")
    assert "#### Count reuses, not downloads" in text


def test_report_command_writes_a_standalone_html_page(output, tmp_path):
    target = tmp_path / "report.html"

    _run("--cohort", output.cohort.slug, "--format", "HTML", "-o", str(target))

    html = target.read_text("utf-8")
    assert html.startswith("<!doctype html>")
    assert "<style>" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html


def test_report_command_refuses_an_unknown_cohort(output, tmp_path):
    with pytest.raises(CommandError) as refused:
        _run("--cohort", "nope", "--format", "md", "-o", str(tmp_path / "x.md"))

    assert str(refused.value) == "No cohort with slug 'nope'. Known cohorts: river-data-2027."
    assert not (tmp_path / "x.md").exists()


def test_report_command_refuses_an_unknown_format(output, tmp_path):
    with pytest.raises(CommandError) as refused:
        _run("--cohort", output.cohort.slug, "--format", "docx", "-o", str(tmp_path / "x"))

    assert str(refused.value) == "Unknown format 'docx': use one of html, md, pdf."


def test_report_command_refuses_an_unwritable_path(output, tmp_path):
    target = tmp_path / "missing-folder" / "report.md"

    with pytest.raises(CommandError) as refused:
        _run("--cohort", output.cohort.slug, "--format", "md", "-o", str(target))

    assert str(refused.value) == f"Cannot write {target}: No such file or directory."


def test_report_command_refuses_a_directory_as_output(output, tmp_path):
    with pytest.raises(CommandError) as refused:
        _run("--cohort", output.cohort.slug, "--format", "md", "-o", str(tmp_path))

    assert str(refused.value) == f"Cannot write {tmp_path}: it is a directory; give a file name."


def test_report_command_writes_markdown_to_standard_output(output, capfdbinary):
    _run("--cohort", output.cohort.slug, "--format", "md", "-o", "-")

    assert capfdbinary.readouterr().out.startswith(b"# The output of River Data 2027\n")


@pytest.mark.parametrize(
    "url",
    ["https://example.org/logo.png", "http://127.0.0.1:8000/", "file:///etc/passwd"],
)
def test_offline_fetcher_refuses_every_url_but_data(url):
    with pytest.raises(ValueError) as refused:
        OfflineFetcher().fetch(url)

    assert str(refused.value) == f"the report renderer fetches nothing ({url} refused)"


def test_offline_fetcher_reads_data_urls():
    response = OfflineFetcher().fetch("data:text/plain;base64,aGk=")

    assert response.read() == b"hi"
