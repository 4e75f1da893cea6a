"""One post: its author edits or deletes it, members react, readers download its files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.core.private_files import private_file_response
from datacollab.discussion import selectors, services
from datacollab.discussion.forms import EditPostForm
from datacollab.discussion.services.edits import can_edit
from datacollab.discussion.views.threads import to_post
from datacollab.network.file_types import content_type_of


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.readable_post(request.user, post_id)
    status = 200
    if request.method == "POST":
        form = EditPostForm(request.POST)
        if form.is_valid():
            try:
                services.edit_post(actor=request.user, post=post, body=form.cleaned_data["body"])
            except DomainError as error:
                if error.field is None:
                    raise
                status = error.show_on(form)
            else:
                messages.success(request, _("Your post is updated."))
                return to_post(post)
        else:
            status = 400
    else:
        # Refuse at once what the service would refuse on saving.
        if not can_edit(request.user, post):
            raise NotAllowed(
                _("Only its author can edit a post, and not once it is hidden or deleted.")
            )
        form = EditPostForm(initial={"body": post.body})
    return render(
        request,
        "discussion/post_edit.html",
        {"post": post, "thread": post.thread, "form": form},
        status=status,
    )


@login_required
@require_POST
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.readable_post(request.user, post_id)
    services.delete_post(actor=request.user, post=post, reason=request.POST.get("reason", ""))
    messages.success(request, _("The post is deleted."))
    return to_post(post)


@login_required
@require_POST
def post_react(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.readable_post(request.user, post_id)
    services.toggle_reaction(actor=request.user, post=post, kind=request.POST.get("kind", ""))
    if request.headers.get("HX-Request"):
        post = selectors.thread_posts(post.thread).get(pk=post.pk)
        return render(
            request,
            "discussion/_reactions.html",
            {"post": post, "reactions": selectors.reaction_summary(post, request.user)},
        )
    return to_post(post)


@login_required
@require_GET
def attachment_file(request: HttpRequest, attachment_id: int) -> HttpResponse | FileResponse:
    attachment = selectors.readable_attachment(request.user, attachment_id)
    return private_file_response(
        attachment.file, filename=attachment.name, content_type=content_type_of(attachment.name)
    )


urlpatterns = [
    path("posts/<int:post_id>/edit/", post_edit, name="post-edit"),
    path("posts/<int:post_id>/delete/", post_delete, name="post-delete"),
    path("posts/<int:post_id>/react/", post_react, name="post-react"),
    path("attachments/<int:attachment_id>/", attachment_file, name="discussion-attachment"),
]
