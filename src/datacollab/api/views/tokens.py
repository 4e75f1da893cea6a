"""API keys pages: the person's own, and an organisation's (its administrators'): create one
(its secret shown once) and revoke them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from datacollab.api.forms import TokenForm
from datacollab.api.selectors import administered_organisations, keys_of, stewarded, tokens_of
from datacollab.api.services.tokens import create_organisation_key, create_token, revoke_token
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_org_admin


def _page(
    request: HttpRequest, form: TokenForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "tokens": tokens_of(request.user),
        "organisations": administered_organisations(request.user),
        "stewarded": stewarded(request.user),
        "secret": secret,
        "api_docs": reverse("api:openapi-view"),
    }
    return render(request, "api/tokens.html", context, status=status)


@never_cache  # the page that shows a secret must not be kept by any cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        _token, secret = create_token(actor=request.user, name=form.cleaned_data["name"])
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _page(request, form, status=exc.status)
    # Rendered, not redirected: the secret exists only in this answer.
    return _page(request, TokenForm(), secret=secret, status=201)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = revoke_token(actor=request.user, token_id=token_id)
    messages.success(
        request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("api-tokens")


def _org_page(
    request: HttpRequest,
    organisation: Organisation,
    form: TokenForm,
    *,
    secret: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "organisation": organisation,
        "tokens": keys_of(organisation),
        "secret": secret,
        "api_docs": reverse("api:openapi-view"),
    }
    return render(request, "api/organisation_keys.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_keys(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not is_org_admin(request.user, organisation):
        raise NotAllowed(_("Only the organisation's administrators manage its API keys."))
    if request.method != "POST":
        return _org_page(request, organisation, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _org_page(request, organisation, form, status=400)
    try:
        _key, secret = create_organisation_key(
            actor=request.user, organisation=organisation, name=form.cleaned_data["name"]
        )
    except DomainError as exc:
        return _org_page(request, organisation, form, status=exc.show_on(form))
    return _org_page(request, organisation, TokenForm(), secret=secret, status=201)


@login_required
@require_POST
def organisation_key_revoke(request: HttpRequest, slug: str, token_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    token = revoke_token(actor=request.user, token_id=token_id, organisation=organisation)
    messages.success(
        request, _("The key “%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("api-organisation-keys", slug=organisation.slug)


urlpatterns = [
    path("", api_tokens, name="api-tokens"),
    path("<int:token_id>/revoke/", api_token_revoke, name="api-token-revoke"),
    path("organisations/<slug:slug>/", organisation_keys, name="api-organisation-keys"),
    path(
        "organisations/<slug:slug>/<int:token_id>/revoke/",
        organisation_key_revoke,
        name="api-organisation-key-revoke",
    ),
]
