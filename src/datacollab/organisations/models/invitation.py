from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datacollab.organisations.models.organisation import Membership, Organisation
from datacollab.organisations.models.user import Role


class Invitation(models.Model):
    """An emailed link that creates or joins an account and then grants something.

    `membership`: join `organisation` with `role` (admin/member). `role`: the network role
    `role` (reviewer/expert). Only the SHA-256 of the token is stored, so the table alone
    lets no one accept an invitation.
    """

    class Kind(models.TextChoices):
        MEMBERSHIP = "membership", _("Organisation membership")
        ROLE = "role", _("Network role")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    email = models.EmailField(_("email address"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=20)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="membership", organisation__isnull=False)
                    | models.Q(kind="role", organisation__isnull=True)
                ),
                name="invitation_target_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_kind_display()}: {self.role})"

    @property
    def role_label(self) -> str:
        choices = Membership.Role if self.kind == self.Kind.MEMBERSHIP else Role
        return str(dict(choices.choices).get(self.role, self.role)).lower()
