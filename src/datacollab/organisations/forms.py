from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from datacollab.core import country_names
from datacollab.core.mail_language import in_language_of
from datacollab.core.widgets import QuickSelect, QuickSelectMultiple
from datacollab.organisations.backends import client_address
from datacollab.organisations.models import Membership, OrganisationKind
from datacollab.organisations.names import clean_display_name
from datacollab.organisations.services import throttle

TIMEZONE_CHOICES = [("", _("UTC (default)"))] + [
    (name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name
]


class DisplayNameField(forms.CharField):
    """One line: CR, LF and other control characters become spaces, runs collapse."""

    def to_python(self, value: Any) -> str:
        return clean_display_name(super().to_python(value) or "")


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    display_name = DisplayNameField(label=_("Your name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=TIMEZONE_CHOICES, required=False, widget=QuickSelect
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password"):
            from datacollab.organisations.models import User

            probe = User(email=data.get("email", ""), display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(data["password"], probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


def language_choices() -> list[tuple[str, Any]]:
    # Each language in its own name (settings.LANGUAGES), read when the form is built.
    return [("", _("As my browser asks")), *settings.LANGUAGES]


class ProfileForm(forms.Form):
    display_name = DisplayNameField(label=_("Your name"), max_length=150)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=language_choices,
        required=False,
        help_text=_("The language of the pages and of the mails you receive."),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=TIMEZONE_CHOICES, required=False, widget=QuickSelect
    )
    bio = forms.CharField(
        label=_("About you"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=2000,
        help_text=_("A few lines other members see: your work, what you can help with. Markdown."),
    )
    expertise = forms.CharField(
        label=_("Expertise"),
        max_length=300,
        required=False,
        help_text=_("Comma-separated, e.g. data trusts, geospatial data, privacy law."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries you work in"),
        required=False,
        widget=QuickSelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose several."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = country_names.choices()  # type: ignore[attr-defined]


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, its mail written in the account holder's language: the person
    asking is logged out, so the page's language may not be theirs."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        with in_language_of(context["user"]):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class LoginForm(AuthenticationForm):
    """Django's login form, saying when to try again once the throttles refuse.

    The counting is in `ThrottledModelBackend`, so the admin's login is throttled as well.
    """

    throttled = False

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "").strip().lower()
        address = client_address(self.request) if self.request is not None else ""
        now = timezone.now()
        until = throttle.login_retry_at(email=email, address=address, now=now)
        if until is not None:
            self.throttled = True
            raise forms.ValidationError(
                throttle.throttled_login_error(until, now), code="throttled"
            )
        return super().clean()


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class InviteRoleForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("reviewer", _("Reviewer")), ("expert", _("Expert")), ("convener", _("Convener"))],
        help_text=_(
            "A convener can do everything you can here: set up calls, select, award, and "
            "give or revoke roles."
        ),
    )


class AcceptInvitationForm(forms.Form):
    display_name = DisplayNameField(label=_("Your name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=TIMEZONE_CHOICES, required=False, widget=QuickSelect
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password"):
            from datacollab.organisations.models import User

            probe = User(email=self.email, display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(data["password"], probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    country = forms.ChoiceField(
        label=_("Country of the head office"), choices=[], widget=QuickSelect
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, required=False, help_text=_("Markdown")
    )
    org_id = forms.CharField(
        label=_("org-id"), max_length=100, required=False, help_text=_("e.g. GB-CHC-1234567")
    )
    ror = forms.CharField(label=_("ROR id"), max_length=40, required=False)
    operating_countries = forms.MultipleChoiceField(
        label=_("Countries of operation"),
        required=False,
        widget=QuickSelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Every country where the organisation works, the head office's included. "
            "Hold Ctrl (Cmd on a Mac) to choose several."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_names.choices()]  # type: ignore[attr-defined]
        self.fields["operating_countries"].choices = country_names.choices()  # type: ignore[attr-defined]
