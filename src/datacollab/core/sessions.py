"""Django's database sessions, read with one SQL statement written once per process.

Every signed-in request reads its session: Django's `db` backend builds and compiles an ORM
query for it each time (`Session.objects.get(session_key=…, expire_date__gt=now)`), which
costs more CPU than the read itself. This store runs the same statement, written once per
database connection, with the same parameters prepared by the same field. The session is
still read from the database on every request, so a logout, an expired session or a session
deleted by `clearsessions` takes effect at once in every process.

Why not `cached_db`: the cache this deployment has is Django's default, a cache inside each
process (no CACHES setting; there is no shared cache server). A session deleted at logout by
one process would live on in the others' caches until it expired there.
"""

from __future__ import annotations

import functools
from typing import Any, cast

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@functools.lru_cache(maxsize=8)
def _select(model: Any, using: str) -> str:
    quote = connections[using].ops.quote_name
    meta = model._meta
    column = {
        name: quote(meta.get_field(name).column)
        for name in ("session_key", "session_data", "expire_date")
    }
    # Names from the model, quoted by the backend; the values are parameters.
    return (
        f"SELECT {column['session_data']} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {column['session_key']} = %s AND {column['expire_date']} > %s"
    )


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        # As the ORM prepares the value of `expire_date__gt` (naive UTC text on SQLite).
        now = model._meta.get_field("expire_date").get_db_prep_value(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(_select(model, using), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        # A row was found, so the key is the one asked for (never None here).
        return model(session_key=cast(str, self.session_key), session_data=row[0])
