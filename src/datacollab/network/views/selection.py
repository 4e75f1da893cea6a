"""Convener pages: start page, selection of a cohort, decision mails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from datacollab.core.errors import DomainError
from datacollab.network.forms.confirm import ConfirmForm, ConfirmSelectionForm
from datacollab.network.forms.selection import MailForm, MailTemplateForm, SelectionForm
from datacollab.network.models import Call, EmailTemplate, SelectionProposal
from datacollab.network.selectors import decisions as decision_selectors
from datacollab.network.selectors import selection as selectors
from datacollab.network.services import call_lifecycle, decisions
from datacollab.network.services import selection as services


@login_required
def convener_home(request: HttpRequest) -> HttpResponse:
    calls = list(selectors.convener_calls(actor=request.user))
    cohorts = list(selectors.convener_cohorts(actor=request.user))
    return render(
        request, "network/selection/convener_home.html", {"calls": calls, "cohorts": cohorts}
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_selection(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_for_convener(actor=request.user, slug=call_slug)
    page = selectors.selection_page(actor=request.user, call=call)
    ids = [row.application.pk for row in page.candidates]
    if request.method == "POST":
        form = SelectionForm(request.POST, candidate_ids=ids)
        if form.is_valid():
            try:
                services.propose_selection(actor=request.user, call=call, **form.parameters())
            except DomainError as exc:
                if exc.status != 400:
                    raise
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request, _("The optimiser proposed a cohort; it is explained below.")
                )
                return redirect("call-selection", call_slug=call.slug)
    else:
        params = page.proposal.parameters if page.proposal else {}
        form = SelectionForm(initial=SelectionForm.initial_from(params), candidate_ids=ids)
    return render(
        request,
        "network/selection/selection.html",
        {
            "page": page,
            "call": call,
            "form": form,
            "forced_in": form.forced("forced_in"),
            "forced_out": form.forced("forced_out"),
            "decision_refusal": call_lifecycle.decision_refusal(call),
        },
        status=400 if form.errors else 200,
    )


def _proposal_refusal(proposal: SelectionProposal) -> str:
    """Said up front on the confirmation page; the service refuses the same with 409."""
    if proposal.status == SelectionProposal.Status.CONFIRMED:
        return _("This selection is already confirmed; it cannot be confirmed twice.")
    if proposal.status == SelectionProposal.Status.SUPERSEDED:
        return _(
            "A newer proposal replaced this one. Review the latest proposal and "
            "confirm that one instead."
        )
    return ""


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_selection_confirm(request: HttpRequest, call_slug: str, proposal_id: int) -> HttpResponse:
    """A confirmation page with the counts; its POST carries `confirm` and, when applications
    lack reviews, the acknowledgement the service requires."""
    call = selectors.call_for_convener(actor=request.user, slug=call_slug)
    proposal = selectors.proposal_for_convener(
        actor=request.user, call=call, proposal_id=proposal_id
    )
    form = ConfirmSelectionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.confirm_selection(
                    actor=request.user,
                    proposal=proposal,
                    acknowledge_review_shortfall=form.cleaned_data["acknowledge_review_shortfall"],
                )
            except DomainError as exc:
                if exc.status != 400:
                    raise
                status = exc.show_on(form)
            else:
                messages.success(
                    request, _("Selection confirmed. Review the decision mails, then send them.")
                )
                return redirect("call-mails", call_slug=call.slug)
        else:
            status = 400
    return render(
        request,
        "network/selection/confirm.html",
        {
            "call": call,
            "proposal": proposal,
            "preview": decision_selectors.confirm_preview(proposal),
            "form": form,
            "refusal": call_lifecycle.decision_refusal(call) or _proposal_refusal(proposal),
        },
        status=status,
    )


def _mails_page(
    request: HttpRequest,
    call: Call,
    *,
    bound: dict[str, MailTemplateForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.mails_page(actor=request.user, call=call)
    forms = {
        kind: (bound or {}).get(kind)
        or MailTemplateForm(prefix=kind, initial={"subject": tpl.subject, "body": tpl.body})
        for kind, tpl in page.templates.items()
    }
    template_forms = [(kind, EmailTemplate.Kind(kind).label, forms[kind]) for kind in forms]
    return render(
        request,
        "network/selection/mails.html",
        {
            "page": page,
            "call": call,
            "template_forms": template_forms,
            "placeholders": decisions.PLACEHOLDERS,
            "can_send": not call_lifecycle.send_refusal(call),
        },
        status=status,
    )


@login_required
def call_mails(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = selectors.call_for_convener(actor=request.user, slug=call_slug)
    return _mails_page(request, call)


@login_required
@require_POST
def call_mail_template(request: HttpRequest, call_slug: str, kind: str) -> HttpResponse:
    call = selectors.call_for_convener(actor=request.user, slug=call_slug)
    if kind not in EmailTemplate.Kind.values:
        raise DomainError(_("Unknown kind of decision mail."))
    form = MailTemplateForm(request.POST, prefix=kind)
    if form.is_valid():
        try:
            decisions.update_template(actor=request.user, call=call, kind=kind, **form.cleaned_data)
        except DomainError as exc:
            if exc.status != 400:
                raise
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("Template saved; mails awaiting review were re-drafted from it.")
            )
            return redirect("call-mails", call_slug=call.slug)
    return _mails_page(request, call, bound={kind: form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def call_mail(request: HttpRequest, call_slug: str, mail_id: int) -> HttpResponse:
    call = selectors.call_for_convener(actor=request.user, slug=call_slug)
    mail = selectors.mail_for_convener(actor=request.user, call=call, mail_id=mail_id)
    form = MailForm(request.POST or None, initial={"subject": mail.subject, "body": mail.body})
    if request.method == "POST" and form.is_valid():
        try:
            decisions.update_mail(actor=request.user, mail=mail, **form.cleaned_data)
        except DomainError as exc:
            if exc.status != 400:
                raise
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Mail saved."))
            return redirect("call-mail", call_slug=call.slug, mail_id=mail.pk)
    return render(
        request,
        "network/selection/mail.html",
        {"call": call, "mail": mail, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def call_mail_cancel(request: HttpRequest, call_slug: str, mail_id: int) -> HttpResponse:
    call = selectors.call_for_convener(actor=request.user, slug=call_slug)
    mail = selectors.mail_for_convener(actor=request.user, call=call, mail_id=mail_id)
    decisions.cancel_mail(actor=request.user, mail=mail)
    messages.success(request, _("Mail cancelled: it will not be sent."))
    return redirect("call-mails", call_slug=call.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_mails_send(request: HttpRequest, call_slug: str) -> HttpResponse:
    """A confirmation page: how many mails of each kind will go; the POST needs `confirm`."""
    call = selectors.call_for_convener(actor=request.user, slug=call_slug)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "network/selection/send_confirm.html",
            {
                "call": call,
                "preview": decision_selectors.send_preview(call),
                "form": form,
                "refusal": call_lifecycle.decision_refusal(call)
                or call_lifecycle.send_refusal(call),
            },
            status=400 if form.is_bound else 200,
        )
    count = decisions.send_decision_mails(actor=request.user, call=call)
    if count:
        messages.success(
            request,
            ngettext("%(n)d mail is being sent.", "%(n)d mails are being sent.", count)
            % {"n": count},
        )
    else:
        messages.info(request, _("No mails are awaiting review; nothing was sent."))
    return redirect("call-mails", call_slug=call.slug)


urlpatterns = [
    path("convener/", convener_home, name="convener-home"),
    path("convener/calls/<slug:call_slug>/selection/", call_selection, name="call-selection"),
    path(
        "convener/calls/<slug:call_slug>/selection/<int:proposal_id>/confirm/",
        call_selection_confirm,
        name="call-selection-confirm",
    ),
    path("convener/calls/<slug:call_slug>/mails/", call_mails, name="call-mails"),
    path(
        "convener/calls/<slug:call_slug>/mails/templates/<str:kind>/",
        call_mail_template,
        name="call-mail-template",
    ),
    path("convener/calls/<slug:call_slug>/mails/send/", call_mails_send, name="call-mails-send"),
    path("convener/calls/<slug:call_slug>/mails/<int:mail_id>/", call_mail, name="call-mail"),
    path(
        "convener/calls/<slug:call_slug>/mails/<int:mail_id>/cancel/",
        call_mail_cancel,
        name="call-mail-cancel",
    ),
]
