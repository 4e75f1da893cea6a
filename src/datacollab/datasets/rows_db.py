"""A cursor whose statements PostgreSQL keeps prepared: for the few the rows API sends on every
request (the version lookup, the quota with its metering and usage counter).

Django's psycopg cursors bind parameters on the client, so PostgreSQL parses and plans each
statement again on every request: for the five-table lookup, more than it spends running it.
This cursor binds on the server, and psycopg prepares a statement once it has run
`prepare_threshold` times on the connection (DATABASE_PREPARED_STATEMENTS, on by default; off
behind a pooler in transaction mode, which cannot keep a statement prepared between
transactions). Elsewhere, or with it off, it is Django's own cursor.
"""

from __future__ import annotations

from typing import Any

from django.db import connection


def cursor() -> Any:
    """A cursor for one of the rows API's statements, used as `with cursor() as c:`."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if getattr(raw, "prepare_threshold", None) is None:
        return connection.cursor()
    from django.db.backends.postgresql import base

    server_binding: Any = base.ServerBindingCursor  # type: ignore[attr-defined]

    # Wrapped as Django wraps its own (execute wrappers, the debug log, thread checks).
    wrap: Any = connection._prepare_cursor  # type: ignore[attr-defined]  # Django's own step
    return wrap(server_binding(raw))
