from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One line of the append-only, hash-chained audit log.

    The actor is kept as plain id and label, not a foreign key, so deleting a user can
    neither cascade into the log nor change the hashed content.
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("when"))
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("who"), max_length=255, blank=True)
    action = models.CharField(_("what"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # HMAC-SHA256 of the hash with a key outside the database (core/audit_keys.py), and the
    # id of that key, so keys can rotate while old entries still verify.
    key_id = models.CharField(_("key id"), max_length=16, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class AuditHead(models.Model):
    """The chain's head (count and last hash), so truncating the tail is detected too; signed,
    so it cannot be fixed up after entries are deleted from the end."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    count = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=16, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit head")

    def __str__(self) -> str:
        return f"{self.count} entries, head {self.last_hash[:12]}"
