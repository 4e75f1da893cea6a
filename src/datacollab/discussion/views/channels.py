"""The channel list and a channel's page (its threads, newest activity first)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from datacollab.core.errors import NotFound
from datacollab.discussion import rules, selectors, services
from datacollab.network.models import Network

THREADS_PER_PAGE = 25


@login_required
@require_safe
def channel_list(request: HttpRequest) -> HttpResponse:
    moderator = rules.can_moderate(request.user)
    return render(
        request,
        "discussion/channel_list.html",
        {
            "channels": list(selectors.channel_list(request.user)),
            "takes_part": rules.takes_part(request.user),
            "mentions": selectors.mentions_of(request.user),
            "missing": list(selectors.cohorts_without_channel()) if moderator else [],
            "networks": list(Network.objects.order_by("name")) if moderator else [],
        },
    )


@login_required
@require_POST
def channels_ensure(request: HttpRequest) -> HttpResponse:
    network = Network.objects.filter(slug=request.POST.get("network", "")).first()
    if network is None:
        raise NotFound(_("Choose a network to create its channels for."))
    services.ensure_channels(network=network, actor=request.user)
    messages.success(
        request, _("Every cohort of %(network)s has its channel.") % {"network": network.name}
    )
    return redirect("channel-list")


@login_required
@require_safe
def channel_detail(request: HttpRequest, channel_slug: str) -> HttpResponse:
    channel = selectors.readable_channel(request.user, channel_slug)
    page = Paginator(selectors.channel_threads(channel, request.user), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "discussion/channel_detail.html",
        {
            "channel": channel,
            "page": page,
            "moderator": rules.can_moderate(request.user),
        },
    )


urlpatterns = [
    path("", channel_list, name="channel-list"),
    path("channels/ensure/", channels_ensure, name="channel-ensure"),
    path("channels/<slug:channel_slug>/", channel_detail, name="channel-detail"),
]
