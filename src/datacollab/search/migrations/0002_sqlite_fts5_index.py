"""SQLite only: an FTS5 index over search_document, kept in step by triggers.

External content (the text lives once, in search_document); unicode61 folds case and removes
diacritics ("cafe" finds "café"); prefix indexes make `term*` queries cheap. On any other
database this migration does nothing.
"""

from django.db import migrations

CREATE = [
    """
    CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title, body, extra,
        content='search_document', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )
    """,
    """
    CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_document_fts(rowid, title, body, extra)
        VALUES (new.id, new.title, new.body, new.extra);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, body, extra)
        VALUES ('delete', old.id, old.title, old.body, old.extra);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_update AFTER UPDATE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, body, extra)
        VALUES ('delete', old.id, old.title, old.body, old.extra);
        INSERT INTO search_document_fts(rowid, title, body, extra)
        VALUES (new.id, new.title, new.body, new.extra);
    END
    """,
    "INSERT INTO search_document_fts(search_document_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_document_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_document")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
