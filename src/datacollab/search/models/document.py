from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    """The searchable text of one object of another app (a dataset, a session, a post...).

    Written only by `datacollab.search.index`. The full-text index proper lives beside this
    table, per database: on SQLite an FTS5 table `search_document_fts` kept in step by triggers
    (migration 0002), on PostgreSQL a weighted `vector` tsvector column with a GIN index
    (migration 0003). Neither is a model field, so the ORM never reads or writes them.

    On SQLite, a later migration that makes Django rebuild this table (most AlterField) drops
    the triggers: such a migration must create them again (see 0002).
    """

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("object id"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    # Keywords, tags, names: ranked between the title and the body.
    extra = models.TextField(_("extra"), blank=True)
    # When the entry was last written: older than its object's own stamp means stale.
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("search document")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_document")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
