"""Threads: start one, read it, reply; conveners hide and show posts; a person's posts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.core.errors import DomainError
from datacollab.discussion import rules, selectors, services
from datacollab.discussion.forms import ReplyForm, ThreadForm
from datacollab.discussion.markdown import post_html
from datacollab.discussion.models import Post, Thread
from datacollab.discussion.services.edits import can_delete, can_edit

POSTS_PER_PAGE = 50


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread_create(request: HttpRequest, channel_slug: str) -> HttpResponse:
    channel = selectors.readable_channel(request.user, channel_slug)
    status = 200
    if request.method == "POST":
        form = ThreadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                thread = services.start_thread(
                    actor=request.user,  # type: ignore[arg-type]
                    channel=channel,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["attachments"],
                )
            except DomainError as error:
                if error.field is None:
                    raise
                status = error.show_on(form)
            else:
                return redirect("thread-detail", thread_id=thread.pk)
        else:
            status = 400
    else:
        form = ThreadForm()
    return render(
        request, "discussion/thread_form.html", {"channel": channel, "form": form}, status=status
    )


def _thread_page(
    request: HttpRequest,
    thread: Thread,
    *,
    reply_form: ReplyForm | None = None,
    hide_errors: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    moderator = rules.can_moderate(request.user)
    posts = selectors.thread_posts(thread, with_revisions=moderator)
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    entries = [
        {
            "post": post,
            "html": post_html(post)
            if post.deleted_at is None and (post.hidden_at is None or moderator)
            else "",
            "hide_error": (hide_errors or {}).get(post.pk, ""),
            "reactions": selectors.reaction_summary(post, request.user),
            "can_edit": can_edit(request.user, post),
            "can_delete": can_delete(request.user, post),
        }
        for post in page.object_list
    ]
    if request.method in ("GET", "HEAD") and page.object_list:
        # Marked read on view: the newest post on the page shown.
        services.mark_read(
            actor=request.user, thread=thread, up_to_post_id=max(p.pk for p in page.object_list)
        )
    opening_hidden = (
        Post.objects.filter(thread=thread)
        .order_by("created_at", "pk")
        .values_list("hidden_at", flat=True)
        .first()
        is not None
    )
    return render(
        request,
        "discussion/thread_detail.html",
        {
            "thread": thread,
            "channel": thread.channel,
            "page": page,
            "entries": entries,
            "moderator": moderator,
            "title_hidden": opening_hidden and not moderator,
            "reply_form": reply_form or ReplyForm(),
            "last_page": page.number == page.paginator.num_pages,
        },
        status=status,
    )


@login_required
@require_safe
def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _thread_page(request, selectors.readable_thread(request.user, thread_id))


@login_required
@require_POST
def thread_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.readable_thread(request.user, thread_id)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _thread_page(request, thread, reply_form=form, status=400)
    try:
        post = services.reply(
            actor=request.user,  # type: ignore[arg-type]
            thread=thread,
            body=form.cleaned_data["body"],
            files=form.cleaned_data["attachments"],
        )
    except DomainError as error:
        if error.field is None:
            raise
        status = error.show_on(form)
        return _thread_page(request, thread, reply_form=form, status=status)
    return to_post(post)


def to_post(post: Post) -> HttpResponse:
    position = Post.objects.filter(thread_id=post.thread_id, pk__lt=post.pk).count()
    page = position // POSTS_PER_PAGE + 1
    url = reverse("thread-detail", args=[post.thread_id])
    query = f"?page={page}" if page > 1 else ""
    return redirect(f"{url}{query}#post-{post.pk}")


@login_required
@require_POST
def post_hide(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.readable_post(request.user, post_id)
    reason = str(request.POST.get("reason", ""))
    try:
        services.hide_post(actor=request.user, post=post, reason=reason)
    except DomainError as error:
        if error.field is None:
            raise
        thread = selectors.readable_thread(request.user, post.thread_id)
        return _thread_page(
            request, thread, hide_errors={post.pk: error.message}, status=error.status
        )
    messages.success(request, _("The post is hidden; members see a placeholder."))
    return to_post(post)


@login_required
@require_POST
def post_unhide(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.readable_post(request.user, post_id)
    services.unhide_post(actor=request.user, post=post)
    messages.success(request, _("The post is shown again."))
    return to_post(post)


@login_required
@require_safe
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.network_person(request.user, person_id)
    page = Paginator(selectors.person_posts(request.user, person), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "discussion/person_detail.html", {"person": person, "page": page})


urlpatterns = [
    path("channels/<slug:channel_slug>/new/", thread_create, name="thread-create"),
    path("threads/<int:thread_id>/", thread_detail, name="thread-detail"),
    path("threads/<int:thread_id>/reply/", thread_reply, name="thread-reply"),
    path("posts/<int:post_id>/hide/", post_hide, name="post-hide"),
    path("posts/<int:post_id>/unhide/", post_unhide, name="post-unhide"),
    path("people/<int:person_id>/", person_detail, name="discussion-person"),
]
