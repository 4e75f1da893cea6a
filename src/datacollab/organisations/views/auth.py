"""Log in (throttled), password reset (never says whether an account exists), verification."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datacollab.core.errors import DomainError
from datacollab.core.languages import saved_language
from datacollab.organisations import rules, services
from datacollab.organisations.backends import client_address
from datacollab.organisations.forms import LoginForm, PasswordResetForm
from datacollab.organisations.models import User
from datacollab.organisations.services import throttle
from datacollab.organisations.views.language import remember_language


class LoginView(auth_views.LoginView):
    form_class = LoginForm

    def form_valid(self, form: Any) -> HttpResponse:
        # The person's saved language wins from now on (PersonLanguageMiddleware); the cookie
        # keeps it for the pages after they log out.
        response = super().form_valid(form)
        return remember_language(response, saved_language(form.get_user()))

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "organisations/password_reset_form.html"
    email_template_name = "organisations/email/password_reset.txt"
    subject_template_name = "organisations/email/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            may_mail = throttle.claim_account_mail(
                address=client_address(self.request), email=form.cleaned_data["email"]
            )
        except DomainError as exc:
            status = exc.show_on(form)
            return self.render_to_response(self.get_context_data(form=form), status=status)
        if not may_mail:
            # The same page as when a mail went out: nothing is revealed.
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = {
            "site_url": settings.SITE_URL,
            "network_name": settings.NETWORK_NAME,
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "organisations/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "organisations/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # The link was mailed to the address: following it proves the address, and the
        # owner is no longer locked out by someone else's wrong guesses.
        services.confirm_address_by_reset(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "organisations/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest) -> HttpResponse:
    """Where a person sees whether their address is verified and asks for a new link."""
    user = cast(User, request.user)
    status = 200
    if request.method == "POST":
        try:
            sent = services.resend_verification(user=user, client_address=client_address(request))
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            if not sent:
                messages.error(
                    request,
                    _(
                        "We have already sent %(email)s several links in the last hour: use "
                        "the latest, or ask again later."
                    )
                    % {"email": user.email},
                )
                return redirect("verify-email")
            messages.success(
                request,
                _("We sent a new link to %(email)s. It works for %(hours)d hours.")
                % {"email": user.email, "hours": settings.EMAIL_VERIFICATION_MAX_AGE_HOURS},
            )
            return redirect("verify-email")
    return render(
        request,
        "organisations/verify_email.html",
        {"verified": rules.has_verified_email(user)},
        status=status,
    )


def verify_email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.verify_email(token=token)
    except DomainError as exc:
        return render(
            request, "organisations/verify_email_invalid.html", {"message": exc.message}, status=400
        )
    messages.success(request, _("Thank you: your email address is verified."))
    return redirect("profile" if request.user.is_authenticated else "login")
