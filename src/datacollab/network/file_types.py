"""Document files people share with each other (resource library, discussion attachments):
which types are accepted, and the type each is served with.

The checks themselves (extension allowed, size, first bytes) are `uploads.check_upload`; this
module only says which documents, so the two features accept exactly the same files.
"""

from __future__ import annotations

# Each is recognised by its first bytes (uploads.SIGNATURES / TEXT_TYPES), not by its name.
DOCUMENT_EXTENSIONS = (
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "docx",
    "xlsx",
    "pptx",
    "odt",
    "ods",
    "odp",
    "zip",
    "csv",
    "txt",
    "md",
    "json",
)
# Served with these types whatever the browser said when uploading.
DOCUMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "zip": "application/zip",
    "csv": "text/csv; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
}


def content_type_of(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return DOCUMENT_CONTENT_TYPES.get(extension, "application/octet-stream")
