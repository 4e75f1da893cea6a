"""The OpenAPI document as the API behaves, beyond what django-ninja derives from the code.

- Security: every operation accepts a token or the session; those anyone may call (open data
  needs no account) also list the empty requirement `{}`, OpenAPI's "no authentication".
- Errors: every operation may answer 401 (a token that is sent but unknown or revoked) and
  422 (a path or query parameter of the wrong type, from django-ninja's validation), in the
  shapes `ErrorOut` and `InvalidInputOut`.
- Uploads: the `file` part is required (without it the answer is 400); its filename is
  optional, as in OpenAPI (a part without one is read as text: fine for CSV and TSV).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

# Operations an anonymous caller may not use at all (they answer 401 without a login).
LOGIN_REQUIRED = {
    "upload_list",
    "upload_create",
    "upload_get",
    "upload_publish",
    "upload_reparse",
    "upload_discard",
    "aggregate_run",
}

INVALID_INPUT = {
    "title": "InvalidInputOut",
    "type": "object",
    "required": ["error", "message", "detail"],
    "properties": {
        "error": {"type": "string", "enum": ["invalid_input"]},
        "message": {"type": "string"},
        "detail": {"type": "array", "items": {"type": "object"}},
    },
}


def _json(description: str, ref: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _require_file_part(operation: dict[str, Any]) -> None:
    body = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
    properties = (body or {}).get("schema", {}).get("properties", {})
    if "file" not in properties:
        return
    properties["file"] = {
        "type": "string",
        "format": "binary",
        "title": "File",
        "description": "The data file: CSV, TSV (also gzipped), Parquet or XLSX.",
    }
    required = body["schema"].setdefault("required", [])  # type: ignore[index]
    if "file" not in required:
        required.append("file")


class DocumentedAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        document = super().get_openapi_schema(*args, **kwargs)
        return complete(document)


def complete(document: Any) -> Any:
    """Add what ninja cannot know: anonymous access, 401 and 422 answers. Idempotent."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("InvalidInputOut", INVALID_INPUT)
    error_ref = "#/components/schemas/ErrorOut"
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            operation_id = operation.get("operationId", "")
            anyone = not any(operation_id.endswith("_" + name) for name in LOGIN_REQUIRED)
            security = operation.setdefault("security", [])
            if anyone and {} not in security:
                security.append({})
            _require_file_part(operation)
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                401, _json("A token was sent but is unknown or revoked; or log in.", error_ref)
            )
            responses.setdefault(
                422,
                _json(
                    "A path or query parameter is missing or of the wrong type.",
                    "#/components/schemas/InvalidInputOut",
                ),
            )
    return document


class VersionedAPI(DocumentedAPI):
    """The documented API whose every view answers a refused method as JSON (api/not_found)."""

    def _get_urls(self) -> list[Any]:
        from django.urls import URLPattern

        from datacollab.api.not_found import json_405

        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = json_405(pattern.callback)
        return patterns
