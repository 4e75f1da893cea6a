"""Pages of an agreement: create from a template, read, revise, accept, ODRL export."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.collaborations import licences, odrl, rules, selectors
from datacollab.collaborations.forms import (
    AcceptForm,
    AgreementCreateForm,
    AgreementEditForm,
    TemplateChoiceForm,
    TermsFields,
)
from datacollab.collaborations.models import Agreement
from datacollab.collaborations.services import agreements as services
from datacollab.collaborations.services.collaborations import require_manager
from datacollab.collaborations.terms import purpose_label
from datacollab.core.errors import DomainError


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agreement_create(request: HttpRequest, collaboration_slug: str) -> HttpResponse:
    collaboration = selectors.collaboration_by_slug(collaboration_slug)
    require_manager(
        request.user,
        collaboration,
        _(
            "Only administrators of %(lead)s, which leads this collaboration, "
            "can write its agreements."
        ),
    )
    # Step one is a plain GET form choosing the template, so the text is prefilled without JS.
    chosen = TemplateChoiceForm(request.GET or None)
    licence = chosen.cleaned_data["licence"] if chosen.is_valid() else "CC-BY-4.0"
    status = 200
    if request.method == "POST":
        form = AgreementCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            text = data["text"] or licences.template_text(data["licence"], title=data["title"])
            try:
                agreement = services.create_agreement(
                    actor=request.user,
                    collaboration=collaboration,
                    title=data["title"],
                    licence=data["licence"],
                    text=text,
                    terms=form.terms(),
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(request, _("Agreement created: version 1."))
                return redirect("agreement-detail", agreement_slug=agreement.slug)
        else:
            status = 400
    else:
        form = AgreementCreateForm(
            initial={"licence": licence, "text": licences.template_text(licence)}
        )
    return render(
        request,
        "collaborations/agreement_create.html",
        {
            "collaboration": collaboration,
            "form": form,
            "chooser": TemplateChoiceForm(initial={"licence": licence}),
            "licence": licences.get(licence),
        },
        status=status,
    )


def _terms_facts(agreement: Agreement) -> dict[str, Any]:
    terms = agreement.terms or {}
    return {
        "purposes": [purpose_label(p) for p in terms.get("permitted_purposes") or []],
        "commercial_use": bool(terms.get("commercial_use")),
        "onward_sharing": terms.get("onward_sharing", "none"),
        "attribution": bool(terms.get("attribution")),
        "retention_days": terms.get("retention_days"),
    }


@require_safe
def agreement_detail(request: HttpRequest, agreement_slug: str) -> HttpResponse:
    agreement = selectors.agreement_by_slug(agreement_slug)
    status = selectors.acceptance_status(request.user, agreement)
    return _detail(request, agreement, status)


def _detail(
    request: HttpRequest,
    agreement: Agreement,
    status: selectors.AcceptanceStatus,
    *,
    accept_form: AcceptForm | None = None,
    http_status: int = 200,
) -> HttpResponse:
    collaboration = agreement.collaboration
    show_acceptances = selectors.may_see_acceptances(request.user, agreement)
    if accept_form is None and status.current is not None:
        accept_form = AcceptForm(
            organisations=status.can_accept_for,
            initial={"text_hash": status.current.text_hash, "on_behalf_of": AcceptForm.SELF},
        )
    return render(
        request,
        "collaborations/agreement_detail.html",
        {
            "agreement": agreement,
            "collaboration": collaboration,
            "licence": licences.get(agreement.licence),
            "terms": _terms_facts(agreement),
            "status": status,
            "versions": selectors.versions_of(agreement),
            "acceptances": selectors.acceptances_of(actor=request.user, agreement=agreement)
            if show_acceptances
            else None,
            "accept_form": accept_form,
            # Offer the form while there is someone left to accept for: oneself or an
            # organisation the person administers.
            "can_accept": accept_form is not None
            and request.user.is_authenticated
            and (not status.accepted_for_self or bool(status.can_accept_for)),
            "manages": rules.manages(request.user, collaboration),
        },
        status=http_status,
    )


@login_required
@require_POST
def agreement_accept(request: HttpRequest, agreement_slug: str) -> HttpResponse:
    agreement = selectors.agreement_by_slug(agreement_slug)
    status = selectors.acceptance_status(request.user, agreement)
    form = AcceptForm(request.POST, organisations=status.can_accept_for)
    if not form.is_valid():
        return _detail(request, agreement, status, accept_form=form, http_status=400)
    organisation = form.cleaned_data["on_behalf_of"]
    try:
        acceptance = services.accept_agreement(
            actor=request.user,
            agreement=agreement,
            organisation=organisation,
            expected_hash=form.cleaned_data["text_hash"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _detail(request, agreement, status, accept_form=form, http_status=error.status)
    if organisation is None:
        message = _("You accepted version %(n)d.") % {"n": acceptance.version.number}
    else:
        message = _("You accepted version %(n)d on behalf of %(org)s.") % {
            "n": acceptance.version.number,
            "org": organisation.name,
        }
    messages.success(request, message)
    return redirect("agreement-detail", agreement_slug=agreement.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agreement_edit(request: HttpRequest, agreement_slug: str) -> HttpResponse:
    agreement = selectors.agreement_by_slug(agreement_slug)
    require_manager(
        request.user,
        agreement.collaboration,
        _(
            "Only administrators of %(lead)s, which leads this collaboration, "
            "can change its agreements."
        ),
    )
    current = selectors.current_version(agreement)
    status = 200
    if request.method == "POST":
        form = AgreementEditForm(request.POST)
        if form.is_valid():
            try:
                revision = services.revise_agreement(
                    actor=request.user,
                    agreement=agreement,
                    text=form.cleaned_data["text"],
                    title=form.cleaned_data["title"],
                    terms=form.terms(),
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                if revision.new_version:
                    messages.success(
                        request,
                        _("Saved as version %(n)d: everyone must accept it again.")
                        % {"n": revision.version.number},
                    )
                else:
                    messages.success(
                        request, _("Saved. The text is unchanged, so it is not a new version.")
                    )
                return redirect("agreement-detail", agreement_slug=agreement.slug)
        else:
            status = 400
    else:
        form = AgreementEditForm(
            initial={
                "title": agreement.title,
                "text": current.text if current else "",
                **TermsFields.initial_from(agreement.terms or {}),
            }
        )
    return render(
        request,
        "collaborations/agreement_edit.html",
        {"agreement": agreement, "form": form, "current": current},
        status=status,
    )


@require_safe
def agreement_odrl(request: HttpRequest, agreement_slug: str) -> HttpResponse:
    agreement = selectors.agreement_by_slug(agreement_slug)
    version = selectors.current_version(agreement)
    collaboration = agreement.collaboration
    page = request.build_absolute_uri(reverse("agreement-detail", args=[agreement.slug]))
    licence = licences.get(agreement.licence)
    policy = odrl.offer(
        uid=f"{page}#version-{version.number if version else 0}",
        title=agreement.title,
        version=version.number if version else 0,
        terms=agreement.terms or {},
        assigner=request.build_absolute_uri(
            reverse("organisation-detail", args=[collaboration.lead.slug])
        ),
        assigner_name=collaboration.lead.name,
        target=f"{page}#datasets",
        collaboration=request.build_absolute_uri(
            reverse("collaboration-detail", args=[collaboration.slug])
        ),
        collaboration_name=collaboration.name,
        licence_url=licence.url if licence else None,
    )
    response = HttpResponse(
        json.dumps(policy, indent=2, ensure_ascii=False),
        content_type="application/ld+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{agreement.slug}.odrl.jsonld"'
    return response


urlpatterns = [
    path(
        "<slug:collaboration_slug>/agreements/new/",
        agreement_create,
        name="agreement-create",
    ),
    path("agreements/<slug:agreement_slug>/", agreement_detail, name="agreement-detail"),
    path("agreements/<slug:agreement_slug>/edit/", agreement_edit, name="agreement-edit"),
    path("agreements/<slug:agreement_slug>/accept/", agreement_accept, name="agreement-accept"),
    path("agreements/<slug:agreement_slug>/odrl.jsonld", agreement_odrl, name="agreement-odrl"),
]
