"""Telling what a dataset was used for, and the owner's moderation of those stories."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from datacollab.core.errors import DomainError
from datacollab.datasets.selectors.datasets import dataset_for
from datacollab.impact.forms import StoryForm
from datacollab.impact.models import ImpactStory
from datacollab.impact.selectors import stories as selectors
from datacollab.impact.services import stories as services


@login_required
@require_http_methods(["GET", "POST"])
def story_new(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    form = StoryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.submit_story(actor=request.user, dataset=dataset, **form.cleaned_data)
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(
                    request, _("Thank you. The owner will read your story before it is shown.")
                )
                return redirect("dataset-detail", slug=dataset.slug)
        else:
            status = 400
    return render(
        request, "impact/story_form.html", {"dataset": dataset, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET"])
def story_list(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    stories = list(selectors.stories_to_moderate(request.user, dataset))
    rows = [(story, services.allowed_moves(story)) for story in stories]
    return render(request, "impact/story_list.html", {"dataset": dataset, "rows": rows})


def _moved_message(status: str) -> str:
    """One whole sentence per outcome, so each language words it freely."""
    Status = ImpactStory.Status
    sentences: dict[str, str] = {
        Status.PUBLISHED: _("Story published."),
        Status.REJECTED: _("Story rejected."),
        Status.PENDING: _("Story waiting for the owner."),
    }
    return sentences.get(status, _("Story updated."))


@login_required
@require_POST
def story_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    story = selectors.story_of(dataset, pk)
    services.move_story(actor=request.user, story=story, to=request.POST.get("to", ""))
    messages.success(request, _moved_message(story.status))
    return redirect("impact-stories", slug=dataset.slug)


urlpatterns = [
    path("datasets/<slug:slug>/stories/", story_list, name="impact-stories"),
    path("datasets/<slug:slug>/stories/new/", story_new, name="impact-story-new"),
    path("datasets/<slug:slug>/stories/<int:pk>/move/", story_move, name="impact-story-move"),
]
