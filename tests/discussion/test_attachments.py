import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from datacollab.core.errors import DomainError
from datacollab.discussion.models import Post, PostAttachment, Thread
from datacollab.discussion.services import delete_post, reply, start_thread

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"x" * 100


def _pdf(name="minutes.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _thread(world):
    return start_thread(actor=world.alice, channel=world.channel, title="T", body="Hi")


def test_reply_with_a_file_attaches_it(world):
    post = reply(actor=world.bob, thread=_thread(world), body="Minutes", files=[_pdf()])

    assert [(a.name, a.size) for a in post.attachments.all()] == [("minutes.pdf", len(PDF))]
    assert post.attachments.get().file.name.startswith("private/discussion/")


def test_attachment_too_large_is_refused_and_nothing_posted(world, settings):
    settings.DISCUSSION_ATTACHMENT_MAX_BYTES = 50
    thread = _thread(world)

    with pytest.raises(DomainError) as refusal:
        reply(actor=world.bob, thread=thread, body="Minutes", files=[_pdf()])

    assert (
        refusal.value.message
        == "“minutes.pdf” is 109 bytes; the limit for “an attachment” is 50 bytes."
    )
    assert (Post.objects.count(), PostAttachment.objects.count()) == (1, 0)


def test_attachment_whose_content_is_not_its_type_is_refused(world):
    thread = _thread(world)

    with pytest.raises(DomainError) as refusal:
        reply(
            actor=world.bob,
            thread=thread,
            body="Minutes",
            files=[_pdf("minutes.pdf", b"<html><script>alert(1)</script>")],
        )

    assert refusal.value.field == "attachments"
    assert (Post.objects.count(), PostAttachment.objects.count()) == (1, 0)


def test_attachment_of_an_unaccepted_type_is_refused(world):
    with pytest.raises(DomainError):
        start_thread(
            actor=world.alice,
            channel=world.channel,
            title="T",
            body="Hi",
            files=[SimpleUploadedFile("tool.exe", b"MZ\x90\x00")],
        )

    assert Thread.objects.count() == 0


def test_attachment_is_served_as_a_download_to_a_member(world, login):
    post = reply(actor=world.bob, thread=_thread(world), body="Minutes", files=[_pdf()])

    response = login(world.alice).get(
        reverse("discussion-attachment", args=[post.attachments.get().pk])
    )

    assert (
        response.status_code,
        response["Content-Disposition"],
        response["Content-Type"],
        response["X-Content-Type-Options"],
        response["Cache-Control"],
        b"".join(response.streaming_content),
    ) == (
        200,
        'attachment; filename="minutes.pdf"',
        "application/pdf",
        "nosniff",
        "private, no-store",
        PDF,
    )


def test_attachment_is_not_found_for_someone_outside_the_channel(world, login):
    post = reply(actor=world.bob, thread=_thread(world), body="Minutes", files=[_pdf()])

    response = login(world.outsider).get(
        reverse("discussion-attachment", args=[post.attachments.get().pk])
    )

    assertContains(response, "There is no such attachment.", status_code=404)


def test_attachment_of_a_deleted_post_is_gone(world, login):
    post = reply(actor=world.bob, thread=_thread(world), body="Minutes", files=[_pdf()])
    delete_post(actor=world.bob, post=post)

    response = login(world.alice).get(
        reverse("discussion-attachment", args=[post.attachments.get().pk])
    )

    assert response.status_code == 404


def test_reply_form_uploads_files(world, login):
    thread = _thread(world)

    response = login(world.bob).post(
        reverse("thread-reply", args=[thread.pk]),
        {"body": "Two files", "attachments": [_pdf("a.pdf"), _pdf("b.pdf")]},
    )

    assert response.status_code == 302
    post = Post.objects.get(body="Two files")
    assert [a.name for a in post.attachments.all()] == ["a.pdf", "b.pdf"]


def test_reply_form_shows_a_refused_file_on_the_field(world, login):
    thread = _thread(world)

    response = login(world.bob).post(
        reverse("thread-reply", args=[thread.pk]),
        {"body": "Bad", "attachments": [_pdf("a.pdf", b"not a pdf at all")]},
    )

    assert response.status_code == 400
    assert response.context["reply_form"].errors["attachments"] == [
        "“a.pdf” is named .pdf but its content is not a .pdf file; export it again and upload "
        "the real file."
    ]
