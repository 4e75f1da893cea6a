"""File answers: check the extension, the size and the first bytes, never the client's word;
store them where nobody can guess or browse to them.

A browser's content type is whatever the client says; the extension is only a name. A file
passes when its extension is allowed by the question AND its first bytes look like that type.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError

DEFAULT_EXTENSIONS = ("pdf",)
ZIP = (b"PK\x03\x04",)
# First bytes of each type we can recognise. Office formats are zip containers.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "zip": ZIP,
    "docx": ZIP,
    "xlsx": ZIP,
    "pptx": ZIP,
    "odt": ZIP,
    "ods": ZIP,
    "odp": ZIP,
}
# Plain-text types have no signature: they must decode as UTF-8 and hold no NUL byte.
TEXT_TYPES = frozenset({"txt", "csv", "md", "json"})
SNIFF_BYTES = 2048
# Attachments live under MEDIA_ROOT/private/, which no URL serves: only the checked view in
# views/applications.py reads them. The random folder (32 bytes) makes the key unguessable
# even if a web server were ever pointed at MEDIA_ROOT by mistake.
PRIVATE_PREFIX = "private/applications"
NAME_MAX = 120


def safe_name(name: str) -> str:
    """A file name safe on every file system, at most NAME_MAX characters, extension kept."""
    cleaned = get_valid_filename(name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or "upload")
    if len(cleaned) <= NAME_MAX:
        return cleaned
    stem, dot, ext = cleaned.rpartition(".")
    if not dot or len(ext) > 10:
        return cleaned[:NAME_MAX]
    return f"{stem[: NAME_MAX - len(ext) - 1]}.{ext}"


def private_key(name: str) -> str:
    return f"{PRIVATE_PREFIX}/{secrets.token_urlsafe(32)}/{safe_name(name)}"


def application_upload_to(instance: Any, filename: str) -> str:
    """FileField.upload_to for application answers (referenced by migrations: keep the name)."""
    return private_key(filename)


class UploadLike(Protocol):
    @property
    def name(self) -> str | None: ...
    @property
    def size(self) -> int | None: ...

    def seek(self, offset: int) -> Any: ...
    def read(self, size: int = -1) -> bytes: ...


class QuestionLike(Protocol):
    label: str
    max_file_bytes: int
    allowed_extensions: Any


def allowed_extensions(question: QuestionLike) -> list[str]:
    chosen = [str(ext).lower().lstrip(".") for ext in (question.allowed_extensions or [])]
    return chosen or list(DEFAULT_EXTENSIONS)


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _looks_like(extension: str, head: bytes) -> bool:
    if extension in TEXT_TYPES:
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the sniff boundary is still text.
            return exc.start >= len(head) - 3
        return True
    signatures = SIGNATURES.get(extension)
    # A type we cannot recognise is refused rather than trusted.
    return signatures is not None and head.startswith(signatures)


def check_upload(*, question: QuestionLike, upload: UploadLike) -> None:
    """Raise DomainError with a readable message when the file may not be accepted."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = allowed_extensions(question)
    if extension not in allowed:
        raise DomainError(
            _(
                "“%(name)s” is not an accepted file for “%(question)s”: upload a "
                "file ending in %(allowed)s."
            )
            % {
                "name": name,
                "question": question.label,
                "allowed": ", ".join(f".{ext}" for ext in allowed),
            }
        )
    size = upload.size or 0
    if size > question.max_file_bytes:
        raise DomainError(
            _("“%(name)s” is %(size)s; the limit for “%(question)s” is %(limit)s.")
            % {
                "name": name,
                "size": _human_size(size),
                "question": question.label,
                "limit": _human_size(question.max_file_bytes),
            }
        )
    if size == 0:
        raise DomainError(_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not _looks_like(extension, head):
        raise DomainError(
            _(
                "“%(name)s” is named .%(ext)s but its content is not a .%(ext)s "
                "file; export it again and upload the real file."
            )
            % {
                "name": name,
                "ext": extension,
            }
        )
