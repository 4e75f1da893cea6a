"""Every private upload is stored and handed out the same way (issue 9, finding 2).

Stored: under MEDIA_ROOT/private/<area>/<32 random bytes>/<name>, which no URL serves (not
even with DEBUG, see config/urls.py); the random folder keeps the key unguessable even if a web
server were ever pointed at MEDIA_ROOT by mistake.

Served: only by a view whose service or selector has already checked who may read the file
(404 for anyone else), always as a download (`Content-Disposition: attachment` with an RFC 6266
`filename*` for names beyond ASCII), with `nosniff` so a browser never takes it for a page, and
`private, no-store` so no shared cache or browser history keeps a copy. With
PRIVATE_MEDIA_ACCEL_REDIRECT set, the web server sends the bytes itself (nginx X-Accel-Redirect).
"""

from __future__ import annotations

import secrets
from typing import TypeVar
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from datacollab.core.errors import NotFound
from datacollab.network.uploads import safe_name

PRIVATE_ROOT = "private"
R = TypeVar("R", bound=HttpResponseBase)


def private_key(area: str, filename: str) -> str:
    """The storage key of a new private upload in `area` (e.g. "learnings")."""
    return f"{PRIVATE_ROOT}/{area}/{secrets.token_urlsafe(32)}/{safe_name(filename)}"


def private_file_response(
    stored: FieldFile, *, filename: str, content_type: str
) -> HttpResponse | FileResponse:
    """The download of a file the caller's service has already allowed this person to read.

    `filename` is the name the uploader gave it; `content_type` the one checked on upload,
    never the one the browser claimed."""
    response: HttpResponse | FileResponse
    prefix = settings.PRIVATE_MEDIA_ACCEL_REDIRECT
    if prefix:
        # The web server sends the bytes from its internal location; we only said who may.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(str(stored.name))
    else:
        try:
            handle = stored.open("rb")
        except FileNotFoundError:
            raise NotFound(_("The file is missing from storage; tell a convener.")) from None
        response = FileResponse(handle, content_type=content_type)
    # Always a download, never rendered inline: the file came from outside.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return keep_private(response)


def keep_private(response: R) -> R:
    """Never sniffed into a page, never kept by a shared cache or the browser's history: for
    every download whose reader was checked (uploads above, and a dataset version's data)."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
