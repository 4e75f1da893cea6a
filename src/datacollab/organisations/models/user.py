from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.core import country_names, working_languages
from datacollab.organisations.names import clean_display_name


class EmailUserManager(UserManager["User"]):
    """People log in with their email address; `username` is kept equal to it."""

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        email = self.normalize_email(email).lower()
        extra.setdefault("username", email)
        return super().create_user(email=email, password=password, **extra)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        email = self.normalize_email(email).lower()
        extra.setdefault("username", email)
        return super().create_superuser(email=email, password=password, **extra)


class User(AbstractUser):
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, help_text=_("e.g. Europe/London")
    )
    # The language pages and mails are shown in; blank: the language cookie, then the
    # browser's Accept-Language (core/languages.py). Only codes in settings.LANGUAGES.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    # Set when the person follows a signed link mailed to `email` (or accepts an invitation
    # mailed there); applying, reviewing and grants made to the address wait for it.
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    bio = models.TextField(_("about you"), blank=True, help_text=_("Markdown"))
    expertise = models.CharField(
        _("expertise"), max_length=300, blank=True, help_text=_("e.g. data trusts, GIS, privacy")
    )
    countries = models.JSONField(
        _("countries you work in"), default=list, blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    # Private diversity facts: never required, never shown to others, never read by selection;
    # the funnel dashboard counts them, and only in aggregate (docs/guide/accounts.md).
    residence_countries = models.JSONField(
        _("countries you live in"), default=list, blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    working_languages = models.JSONField(
        _("languages you work in"), default=list, blank=True, help_text=_("ISO 639-1")
    )
    # What an earlier free-text "languages" held that names no language of the list.
    languages_note = models.CharField(_("other languages"), max_length=200, blank=True)
    # The person's own choice to show `working_languages` (only those: not where they live,
    # not the note) on their profile, in the expert directory and in peer matching.
    show_working_languages = models.BooleanField(_("show the languages I work in"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["username"]

    objects = EmailUserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        # One line whatever path set it (forms and services clean it too; the admin, the
        # shell and createsuperuser do not): the name goes into mail headers (finding 9).
        self.display_name = clean_display_name(self.display_name or "")
        super().save(*args, **kwargs)

    @property
    def country_names(self) -> list[str]:
        return country_names.names(list(self.countries or []))

    @property
    def residence_country_names(self) -> list[str]:
        return country_names.names(list(self.residence_countries or []))

    @property
    def working_language_names(self) -> list[str]:
        return [working_languages.label_of(code) for code in self.working_languages or []]

    @property
    def shown_working_languages(self) -> list[str]:
        """The codes others may see: none unless the person chose to show them."""
        return list(self.working_languages or []) if self.show_working_languages else []

    @property
    def shown_working_language_names(self) -> list[str]:
        return [working_languages.label_of(code) for code in self.shown_working_languages]


class Role(models.TextChoices):
    CONVENER = "convener", _("Convener")
    REVIEWER = "reviewer", _("Reviewer")
    EXPERT = "expert", _("Expert")
    PARTICIPANT = "participant", _("Applicant / participant")


class RoleGrant(models.Model):
    """A network-wide role held by a person."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_grant")]
        verbose_name = _("role")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"
