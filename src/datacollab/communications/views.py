"""Pages for a convener's messages to groups, and the one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.communications import groups as group_rules
from datacollab.communications import placeholders, selectors, services
from datacollab.communications.forms import MessageForm
from datacollab.communications.models import MailPreference, Message
from datacollab.core.errors import DomainError
from datacollab.network.selectors.selection import require_convener

PER_PAGE = 30


@login_required
@require_safe
def message_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.messages(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "communications/message_list.html", {"page": page})


def _compose(request: HttpRequest, message: Message | None) -> HttpResponse:
    require_convener(request.user)
    choices = group_rules.group_choices()
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST, groups=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if message is None:
                    message = services.create_message(actor=request.user, **data)
                else:
                    message = services.update_message(actor=request.user, message=message, **data)
            except DomainError as error:
                status = error.show_on(form)
            else:
                flash.success(request, _("Draft saved: preview it for each recipient."))
                return redirect("message-detail", pk=message.pk)
        else:
            status = 400
    else:
        initial = (
            {
                "groups": message.groups,
                "category": message.category,
                "subject": message.subject,
                "body": message.body,
            }
            if message
            else {"groups": request.GET.getlist("group")}
        )
        form = MessageForm(groups=choices, initial=initial)
    return render(
        request,
        "communications/message_form.html",
        {"form": form, "message": message, "placeholders": placeholders.DESCRIPTIONS},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def message_create(request: HttpRequest) -> HttpResponse:
    return _compose(request, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def message_edit(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.message_for(request.user, pk)
    if message.status != Message.Status.DRAFT:
        return redirect("message-detail", pk=message.pk)
    return _compose(request, message)


@login_required
@require_safe
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft: who it reaches now and the mail one chosen recipient would get."""
    message = selectors.message_for(request.user, pk)
    context: dict[str, object] = {"message": message}
    if message.status == Message.Status.DRAFT:
        try:
            found = selectors.audience(message)
        except DomainError as error:  # a group removed since the draft was saved
            context["problem"] = error.message
        else:
            chosen = request.GET.get("recipient", "")
            mail = selectors.preview(message, found, int(chosen) if chosen.isdigit() else None)
            context.update(
                audience=found,
                mail=mail,
                chosen=mail.to if mail else "",
                allowed=[
                    (name, placeholders.DESCRIPTIONS[name])
                    for name in placeholders.allowed(found.groups)
                ],
            )
    else:
        context["mails"] = message.mails.order_by("pk")
        context["labels"] = _labels(message)
    return render(request, "communications/message_detail.html", context)


def _labels(message: Message) -> list[str]:
    by_key = {g.key: g.label for g in group_rules.group_choices()}
    return [by_key.get(key, key) for key in message.groups]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def message_send(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation page (how many people, how many left out), then the send."""
    message = selectors.message_for(request.user, pk)
    if request.method == "POST":
        count = services.send_message(actor=request.user, message=message)
        flash.success(
            request,
            ngettext(
                "Sent to %(n)d person through the outbox.",
                "Sent to %(n)d people through the outbox.",
                count,
            )
            % {"n": count},
        )
        return redirect("message-detail", pk=message.pk)
    if message.status != Message.Status.DRAFT:
        return redirect("message-detail", pk=message.pk)
    found = selectors.audience(message)
    return render(
        request, "communications/message_send.html", {"message": message, "audience": found}
    )


@login_required
@require_POST
def message_discard(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.message_for(request.user, pk)
    services.discard_message(actor=request.user, message=message)
    flash.success(request, _("The draft is discarded; it will never be sent."))
    return redirect("message-list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def announcement_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        receive = request.POST.get("announcements") == "on"
        services.set_own_announcements(actor=request.user, receive=receive)
        flash.success(
            request,
            _("You will receive announcements.")
            if receive
            else _("You will no longer receive announcements."),
        )
        return redirect("announcement-settings")
    preference = MailPreference.objects.filter(user=request.user).first()  # type: ignore[misc]
    return render(
        request,
        "communications/settings.html",
        {"receiving": preference.announcements if preference else True},
    )


def _masked(email: str) -> str:
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"


# Mail clients POST here with no cookie and no CSRF token (RFC 8058); the secret token in the
# URL is what authorises it. A GET only shows a button: link scanners follow GETs.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        receive = request.POST.get("action") == "resubscribe"
        preference = services.set_announcements(
            token=token, receive=receive, via="page" if receive else "one-click link"
        )
    else:
        preference = selectors.preference_by_token(token)
    return render(
        request,
        "communications/unsubscribe.html",
        {
            "email": _masked(preference.user.email),
            "receiving": preference.announcements,
            "token": token,
            "done": request.method == "POST",
        },
    )
