"""PostgreSQL only: a weighted tsvector column with a GIN index.

The column is written by datacollab.search.index together with the row, from text folded in
Python (lower case, no diacritics), so no database extension (unaccent) is needed. On any other
database this migration does nothing.
"""

from django.db import migrations

CREATE = [
    "ALTER TABLE search_document ADD COLUMN vector tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX search_document_vector ON search_document USING GIN (vector)",
]
DROP = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_sqlite_fts5_index")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
