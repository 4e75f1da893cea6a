from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """An API key: only the SHA-256 of the secret is kept, and a prefix to recognise it.

    A key belongs to a person (it acts as them, under the same rules as their pages) or to an
    organisation (it reads what anyone may read, at the organisation's tier and quota: a key
    that outlives its creator's membership must not carry a person's access). Revoking keeps
    the row so the list (and the audit log) still tells which key it was.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="api_keys",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, help_text=_("the token's first characters, shown"))
    digest = models.CharField(max_length=64, unique=True, help_text=_("SHA-256 of the token"))
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API key")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, organisation__isnull=True)
                | models.Q(user__isnull=True, organisation__isnull=False),
                name="api_key_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def account(self) -> str:
        """The account whose quota the key draws on: its person's or its organisation's."""
        if self.organisation_id is not None:
            return f"org:{self.organisation_id}"
        return f"user:{self.user_id}"
