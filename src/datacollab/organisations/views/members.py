"""Organisation admins invite and remove colleagues; conveners invite reviewers and experts
and revoke roles; anyone follows an invitation link."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.organisations import rules, selectors, services
from datacollab.organisations.forms import AcceptInvitationForm, InviteMemberForm, InviteRoleForm
from datacollab.organisations.models import Invitation, Membership, Role, User
from datacollab.organisations.services.invitations import invitation_by_token, refusal
from datacollab.organisations.services.members import REVOCABLE_ROLES

BACKEND = "datacollab.organisations.backends.ThrottledModelBackend"


@login_required
@require_http_methods(["GET", "POST"])
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    user = cast(User, request.user)
    organisation = selectors.organisation_by_slug(slug)
    if not rules.can_manage_members(user, organisation):
        raise NotAllowed(_("Only the organisation's administrators manage its members."))
    form = InviteMemberForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_member(actor=user, organisation=organisation, **form.cleaned_data)
        except DomainError as exc:
            status = exc.show_on(form)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("organisation-members", slug=organisation.slug)
    elif form.errors:
        status = 400
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation,
            "members": selectors.members_of(organisation),
            "invitations": selectors.pending_invitations(organisation),
            "form": form,
            "now": timezone.now(),
            "roles": Membership.Role,
        },
        status=status,
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    organisation = selectors.organisation_by_slug(slug)
    try:
        services.remove_member(
            actor=cast(User, request.user), organisation=organisation, membership_id=member_id
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Colleague removed."))
    if not rules.can_manage_members(request.user, organisation):
        return redirect("profile")  # they removed themselves
    return redirect("organisation-members", slug=organisation.slug)


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    organisation = selectors.organisation_by_slug(slug)
    try:
        services.set_member_role(
            actor=cast(User, request.user),
            organisation=organisation,
            membership_id=member_id,
            role=request.POST.get("role", ""),
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Role changed."))
    if not rules.can_manage_members(request.user, organisation):
        return redirect("profile")
    return redirect("organisation-members", slug=organisation.slug)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id)
    services.revoke_invitation(actor=cast(User, request.user), invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    if invitation.organisation is not None:
        return redirect("organisation-members", slug=invitation.organisation.slug)
    return redirect("roles")


@login_required
@require_http_methods(["GET", "POST"])
def roles(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if not rules.can_manage_roles(user):
        raise NotAllowed(_("Only conveners manage roles."))
    form = InviteRoleForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_to_role(actor=user, **form.cleaned_data)
        except DomainError as exc:
            status = exc.show_on(form)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("roles")
    elif form.errors:
        status = 400
    grants = list(selectors.role_holders())
    conveners = [g.pk for g in grants if g.role == Role.CONVENER]
    return render(
        request,
        "organisations/roles.html",
        {
            "grants": grants,
            # The service refuses to revoke the last convener, so the page offers no button.
            "last_convener": conveners[0] if len(conveners) == 1 else None,
            "invitations": selectors.pending_invitations(None),
            "form": form,
            "now": timezone.now(),
            "revocable": REVOCABLE_ROLES,
        },
        status=status,
    )


@login_required
@require_POST
def role_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    try:
        services.revoke_role(actor=cast(User, request.user), grant_id=grant_id)
    except Conflict as exc:  # the last convener: say why on the roles page
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Role revoked."))
    return redirect("roles")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token)
    reason = refusal(invitation)
    signed_in = request.user.is_authenticated
    account_exists = not signed_in and User.objects.filter(email=invitation.email).exists()
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" and not signed_in else None,
        email=invitation.email,
    )
    status = 409 if reason else 200
    error = ""
    if request.method == "POST" and not reason:
        if signed_in or form.is_valid():
            data = form.cleaned_data if not signed_in else {}
            try:
                person = services.accept_invitation(
                    token=token,
                    user=cast(User, request.user) if signed_in else None,
                    display_name=data.get("display_name", ""),
                    password=data.get("password", ""),
                    timezone_name=data.get("timezone", ""),
                    language=get_language(),
                )
            except DomainError as exc:
                if signed_in:  # the form is not used: the message goes above the button
                    error, status = exc.message, exc.status
                else:
                    status = exc.show_on(form)
            else:
                if not signed_in:
                    login(request, person, backend=BACKEND)
                messages.success(request, _("Welcome! The invitation is accepted."))
                if invitation.organisation is not None:
                    return redirect("organisation-detail", slug=invitation.organisation.slug)
                return redirect("profile")
        else:
            status = 400
    return render(
        request,
        "organisations/invitation_accept.html",
        {
            "invitation": invitation,
            "reason": reason or error,
            "form": form,
            "account_exists": account_exists,
            "wrong_account": signed_in and request.user.email.lower() != invitation.email,  # type: ignore[union-attr]
        },
        status=status,
    )
