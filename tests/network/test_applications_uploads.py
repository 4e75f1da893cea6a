"""File answers: size and type limits, a magic-byte sniff, and downloads only for those who
may see the application."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from datacollab.core.errors import DomainError
from datacollab.network.models import Answer
from datacollab.network.services import applications as services
from datacollab.network.uploads import check_upload
from tests import factories
from tests.network.factories_applications import (
    PDF,
    add_file_question,
    draft,
    page_errors,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return factories.make_call(with_questions=False)


def _post(client, application, question, upload):
    return client.post(
        reverse("application-edit", args=[application.pk]),
        {
            "title": "Open water",
            "summary": "",
            "requested_amount": "1000",
            f"q_{question.pk}": upload,
        },
    )


def test_upload_pdf_is_stored_with_its_name(login, applicant, call):
    question = add_file_question(call)
    application = draft(call, applicant)
    response = _post(login(applicant), application, question, pdf_upload("Budget 2026.pdf"))
    answer = Answer.objects.get(application=application, question=question)
    assert response.status_code == 302
    assert answer.value == {"name": "Budget_2026.pdf", "size": len(PDF)}
    assert answer.file.read() == PDF


def test_upload_too_big_refused(login, applicant, call):
    question = add_file_question(call, max_file_bytes=1024)
    application = draft(call, applicant)
    response = _post(login(applicant), application, question, pdf_upload(content=PDF + b"0" * 2000))
    assert response.status_code == 400
    assert page_errors(response) == ["“plan.pdf” is 2 KB; the limit for “Budget (PDF)” is 1 KB."]
    assert Answer.objects.count() == 0


def test_upload_wrong_extension_refused(login, applicant, call):
    question = add_file_question(call)
    application = draft(call, applicant)
    upload = SimpleUploadedFile("plan.docx", b"PK\x03\x04rest", content_type="application/pdf")
    response = _post(login(applicant), application, question, upload)
    assert response.status_code == 400
    assert page_errors(response) == [
        "“plan.docx” is not an accepted file for “Budget (PDF)”: upload a file ending in .pdf."
    ]


def test_upload_fake_pdf_refused_despite_content_type(login, applicant, call):
    question = add_file_question(call)
    application = draft(call, applicant)
    fake = pdf_upload(
        "plan.pdf",
        content=b"MZ\x90\x00 this is a program",
    )
    response = _post(login(applicant), application, question, fake)
    assert response.status_code == 400
    assert page_errors(response) == [
        "“plan.pdf” is named .pdf but its content is not a .pdf file; export it again and "
        "upload the real file."
    ]


def test_upload_replacing_keeps_one_answer(login, applicant, call):
    question = add_file_question(call)
    application = draft(call, applicant)
    client = login(applicant)
    _post(client, application, question, pdf_upload("first.pdf"))
    _post(client, application, question, pdf_upload("second.pdf"))
    assert list(Answer.objects.values_list("value", flat=True)) == [
        {"name": "second.pdf", "size": len(PDF)}
    ]


def test_save_draft_service_refuses_fake_pdf(applicant, call):
    # The service checks too, so a script or admin action cannot skip the form.
    question = add_file_question(call)
    application = draft(call, applicant)
    with pytest.raises(DomainError) as exc:
        services.save_draft(
            actor=applicant,
            application=application,
            title="x",
            summary="",
            requested_amount=Decimal(1),
            answers={},
            files={question.pk: pdf_upload(content=b"<html>not a pdf</html>")},
        )
    assert exc.value.message == (
        "“plan.pdf” is named .pdf but its content is not a .pdf file; "
        "export it again and upload the real file."
    )


def test_upload_allowed_docx_with_zip_signature_passes(call):
    question = add_file_question(call, allowed_extensions=["pdf", "docx"])
    assert (
        check_upload(
            question=question, upload=SimpleUploadedFile("plan.docx", b"PK\x03\x04" + b"x" * 100)
        )
        is None
    )


def test_upload_csv_text_passes_and_binary_csv_refused(call):
    question = add_file_question(call, allowed_extensions=["csv"])
    assert (
        check_upload(
            question=question,
            upload=SimpleUploadedFile("data.csv", b"country,partners\nKenya,3\n"),
        )
        is None
    )
    with pytest.raises(DomainError):
        check_upload(question=question, upload=SimpleUploadedFile("data.csv", b"a,b\x00\x01"))


def test_upload_unrecognised_type_refused(call):
    question = add_file_question(call, allowed_extensions=["exe"])
    with pytest.raises(DomainError):
        check_upload(question=question, upload=SimpleUploadedFile("setup.exe", b"MZ\x90\x00"))


def test_upload_empty_file_refused(call):
    question = add_file_question(call)
    upload = SimpleUploadedFile("plan.pdf", b"")
    with pytest.raises(DomainError) as exc:
        check_upload(question=question, upload=upload)
    assert exc.value.message == "“plan.pdf” is empty."


def _uploaded(call, applicant, login):
    question = add_file_question(call)
    application = draft(call, applicant)
    _post(login(applicant), application, question, pdf_upload("plan.pdf"))
    return application, question


def test_application_file_member_downloads_as_attachment(login, applicant, call):
    application, question = _uploaded(call, applicant, login)
    response = login(applicant).get(reverse("application-file", args=[application.pk, question.pk]))
    assert (response.status_code, response["Content-Type"], response["Content-Disposition"]) == (
        200,
        "application/pdf",
        'attachment; filename="plan.pdf"',
    )
    assert b"".join(response.streaming_content) == PDF


def test_application_file_convener_downloads(login, applicant, convener, call):
    application, question = _uploaded(call, applicant, login)
    response = login(convener).get(reverse("application-file", args=[application.pk, question.pk]))
    assert response.status_code == 200


def test_application_file_stranger_not_found(login, applicant, call):
    application, question = _uploaded(call, applicant, login)
    response = login(factories.make_user()).get(
        reverse("application-file", args=[application.pk, question.pk])
    )
    assert response.status_code == 404


def test_application_file_without_upload_not_found(login, applicant, call):
    question = add_file_question(call)
    application = draft(call, applicant)
    response = login(applicant).get(reverse("application-file", args=[application.pk, question.pk]))
    assert response.status_code == 404
    assert page_errors(response) == ["No file was uploaded for this question."]


def test_upload_replacing_deletes_the_old_file(
    login, applicant, call, django_capture_on_commit_callbacks
):
    question = add_file_question(call)
    application = draft(call, applicant)
    client = login(applicant)
    _post(client, application, question, pdf_upload("first.pdf"))
    first = Answer.objects.get().file
    storage, first_name = first.storage, first.name
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, application, question, pdf_upload("second.pdf"))
    assert (storage.exists(first_name), storage.exists(Answer.objects.get().file.name)) == (
        False,
        True,
    )
