"""The life of an upload, in one place: every move checked here, audited, and refused otherwise.

    received -> processing -> draft | invalid | failed     (the worker: process_upload)
    draft -> published                                    (the owner: publish_upload)
    draft | invalid | failed -> received                  (the owner: reparse_upload, retry)
    any but published and discarded -> discarded          (the owner, or datasets-gc)

A draft is the parsed file checked against the dataset's current schema, waiting for its
owner: nothing becomes a version without `publish_upload`, which refuses a draft with errors,
a draft whose columns or schema differ from the current ones unless the change is accepted,
and a draft checked against a version that is no longer the latest. A run whose worker
stopped (killed, or its lease ran out) counts as refused: it may be parsed again or discarded.
"""

from __future__ import annotations

import codecs
import functools
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.datasets.ingest.detect import normalise_encoding
from datacollab.datasets.models import Dataset, DatasetVersion, Upload
from datacollab.datasets.rules import is_owner
from datacollab.datasets.selectors.uploads import worker_stopped, worker_stopped_message
from datacollab.datasets.services.versions import publish_parquet

S = Upload.Status
MOVES: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.PROCESSING, S.FAILED, S.DISCARDED}),
    S.PROCESSING: frozenset({S.DRAFT, S.INVALID, S.FAILED}),
    S.DRAFT: frozenset({S.PUBLISHED, S.RECEIVED, S.DISCARDED}),
    S.INVALID: frozenset({S.RECEIVED, S.DISCARDED}),
    S.FAILED: frozenset({S.RECEIVED, S.DISCARDED}),
    S.PUBLISHED: frozenset(),
    S.DISCARDED: frozenset(),
}
TEXT_FORMATS = ("csv", "tsv")
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def _status(upload: Upload) -> str:
    # A run whose worker is gone is, for its owner, a refused one.
    return S.FAILED if worker_stopped(upload) else upload.status


def may_move(upload: Upload, to: str) -> bool:
    """Whether the upload's life allows the move (not who may make it)."""
    status = _status(upload)
    if to == S.RECEIVED and not upload.path and to in MOVES[_status(upload)]:
        return False  # nothing left to parse
    if status == S.FAILED and to == S.DISCARDED and not upload.path and not upload.draft_path:
        return False  # a refusal whose file is already gone has nothing to discard
    return to in MOVES[status]


def _refuse(upload: Upload, to: str) -> Conflict:
    status = upload.get_status_display().lower()
    if to == S.RECEIVED and not upload.path and to in MOVES[_status(upload)]:
        return Conflict(_("The received file is no longer on the server: upload it again."))
    messages: dict[str, str] = {
        S.PUBLISHED: _("This upload is %(status)s: only a draft without errors can be published."),
        S.RECEIVED: _(
            "This upload is %(status)s: only a draft, or a refused upload whose file is "
            "kept, can be parsed again."
        ),
        S.DISCARDED: _("This upload is %(status)s: it cannot be discarded."),
    }
    return Conflict(messages.get(to, _("This upload is %(status)s.")) % {"status": status})


def check_move(upload: Upload, to: str) -> None:
    if not may_move(upload, to):
        raise _refuse(upload, to)


def owner_moves(actor: Any, upload: Upload) -> list[str]:
    """What the pages may offer this person: "publish", "reparse", "discard"."""
    if not is_owner(actor, upload.dataset):
        return []
    return allowed_moves(upload)


def allowed_moves(upload: Upload) -> list[str]:
    """The moves the upload's life allows now, for someone already known to own it."""
    offered = {"publish": S.PUBLISHED, "reparse": S.RECEIVED, "discard": S.DISCARDED}
    return [name for name, to in offered.items() if may_move(upload, to)]


def _locked(actor: Any, upload: Upload, refusal: str) -> Upload:
    """`refusal` is the whole translated sentence, so each language words it freely."""
    upload = Upload.objects.select_for_update().select_related("dataset").get(pk=upload.pk)
    if not is_owner(actor, upload.dataset):
        raise NotAllowed(refusal)
    return upload


def clean_options(
    *, encoding: str | None = None, delimiter: str | None = None, format: str | None = None
) -> dict[str, str]:
    """The uploader's corrections, checked: a known text encoding, one delimiter character,
    a text format. Empty values mean "as detected"."""
    options: dict[str, str] = {}
    if encoding and encoding.strip():
        try:
            info = codecs.lookup(encoding.strip())
        except LookupError:
            info = None
        if info is None or not getattr(info, "_is_text_encoding", True):
            raise DomainError(
                _(
                    "“%(encoding)s” is not a text encoding this server knows (e.g. utf-8, "
                    "latin-1, cp1252)."
                )
                % {"encoding": encoding.strip()[:40]},
                field="encoding",
            )
        options["encoding"] = normalise_encoding(info.name)
    if delimiter:
        value = DELIMITER_NAMES.get(delimiter.strip().lower(), delimiter)
        if len(value) != 1 or value in "\"'\r\n" or value.isalnum():
            raise DomainError(
                _("The delimiter must be one character, such as , ; | or tab."),
                field="delimiter",
            )
        options["delimiter"] = value
    if format:
        if format not in TEXT_FORMATS:
            raise DomainError(_("The format can be corrected to csv or tsv."), field="format")
        options["format"] = format
    return options


def current_version(dataset: Dataset) -> DatasetVersion | None:
    return DatasetVersion.objects.filter(dataset=dataset).order_by("-number").first()


def _enqueue(upload_id: int) -> None:
    from datacollab.datasets.tasks import process_upload_task

    transaction.on_commit(lambda: process_upload_task.enqueue(upload_id))


def _forget_draft(upload: Upload) -> list[str]:
    """Clear the draft's results; returns the files to remove once the change commits."""
    stale = [upload.draft_path] if upload.draft_path else []
    upload.draft_path = ""
    upload.report = None
    upload.preview = None
    upload.draft_schema = None
    upload.changes = {}
    upload.base_version = None
    return stale


def _unlink_on_commit(paths: list[str]) -> None:
    for path in [p for p in paths if p]:
        transaction.on_commit(functools.partial(Path(path).unlink, missing_ok=True))


@transaction.atomic
def reparse_upload(
    *,
    actor: Any,
    upload: Upload,
    encoding: str | None = None,
    delimiter: str | None = None,
    format: str | None = None,
    enqueue: bool = True,
) -> Upload:
    """Parse the kept file again, in the background: with corrected format, encoding or
    delimiter, against the schema that is current now (after a schema edit), or simply again
    after a refusal. Given corrections replace earlier ones; none given keeps them."""
    upload = _locked(
        actor, upload, _("Only members of the owning organisation may parse an upload again.")
    )
    stopped = worker_stopped(upload)
    check_move(upload, S.RECEIVED)
    if not Path(upload.path).is_file():
        raise Conflict(_("The received file is no longer on the server: upload it again."))
    corrections = clean_options(encoding=encoding, delimiter=delimiter, format=format)
    detected_format = (upload.detected or {}).get("format")
    if corrections and detected_format and detected_format not in TEXT_FORMATS:
        raise DomainError(
            _("A %(format)s file has no encoding or delimiter to correct.")
            % {"format": str(detected_format).upper()}
        )
    if corrections:
        upload.options = corrections
    stale = _forget_draft(upload)
    upload.status = S.RECEIVED
    upload.error = ""
    upload.save()
    audit.record(
        action="dataset.upload_reparsed" if corrections else "dataset.upload_retried",
        actor=actor,
        obj=upload.dataset,
        details={
            "upload": upload.pk,
            "options": upload.options,
            **({"worker_stopped": True} if stopped else {}),
        },
    )
    _unlink_on_commit(stale)
    if enqueue:
        _enqueue(upload.pk)
    return upload


def retry_upload(*, actor: Any, upload: Upload) -> Upload:
    """Parse a refused or drafted upload again with the same options."""
    return reparse_upload(actor=actor, upload=upload)


def _changes_text(changes: dict[str, Any]) -> str:
    parts = []
    if changes.get("replaced"):
        parts.append(_("a schema given with the file replaces the current one"))
    if changes.get("added"):
        parts.append(_("new columns: %(names)s") % {"names": ", ".join(changes["added"])})
    if changes.get("removed"):
        parts.append(_("missing columns: %(names)s") % {"names": ", ".join(changes["removed"])})
    if changes.get("reordered"):
        parts.append(_("the columns are in another order"))
    if changes.get("dropped_keys"):
        parts.append(_("keys dropped: %(keys)s") % {"keys": "; ".join(changes["dropped_keys"])})
    return "; ".join(parts)


def changes_text(changes: dict[str, Any]) -> str:
    return _changes_text(changes or {})


@transaction.atomic
def publish_upload(
    *, actor: Any, upload: Upload, accept_schema_change: bool = False
) -> DatasetVersion:
    """Make a draft without errors the dataset's next version, with the schema it was checked
    against. A draft that changes the schema needs `accept_schema_change`."""
    Dataset.objects.select_for_update().only("pk").get(pk=upload.dataset_id)
    upload = _locked(
        actor, upload, _("Only members of the owning organisation may publish an upload.")
    )
    if upload.status == S.INVALID:
        raise Conflict(
            _(
                "This draft does not meet the dataset's schema: nothing can be published. Fix "
                "the file and upload it again, or fix the schema, then check the draft again."
            )
        )
    check_move(upload, S.PUBLISHED)
    latest = current_version(upload.dataset)
    if (latest.pk if latest else None) != upload.base_version_id:
        raise Conflict(
            _(
                "Version %(n)s was published after this draft was checked: check the draft "
                "again against the current schema before publishing it."
            )
            % {"n": latest.number if latest else "?"}
        )
    if upload.changes and not accept_schema_change:
        raise Conflict(
            _(
                "This draft changes the dataset's schema (%(changes)s): accept the change to "
                "publish it, or fix the file."
            )
            % {"changes": _changes_text(upload.changes)}
        )
    if not upload.draft_path or not Path(upload.draft_path).is_file():
        raise Conflict(_("The draft's data is no longer on the server: parse the file again."))
    files = [upload.path, upload.draft_path]
    version = publish_parquet(
        actor=actor,
        dataset=upload.dataset,
        parquet=Path(upload.draft_path),
        schema=upload.draft_schema or {},
        report=upload.report or {},
        source_name=upload.original_name,
        source_format=str((upload.detected or {}).get("format", "")),
        detected=upload.detected or {},
        upload=upload,
    )
    Upload.objects.filter(pk=upload.pk).update(path="", draft_path="")
    if upload.changes:
        audit.record(
            action="dataset.upload_schema_change_accepted",
            actor=actor,
            obj=upload.dataset,
            details={"upload": upload.pk, "version": version.number, "changes": upload.changes},
        )
    _unlink_on_commit(files)
    return version


@transaction.atomic
def discard_upload(*, actor: Any, upload: Upload) -> Upload:
    """Discard a draft, a refused upload or a stopped run: its files leave the server (and the
    quota); its record and reason stay."""
    upload = _locked(
        actor, upload, _("Only members of the owning organisation may remove an upload.")
    )
    stopped = worker_stopped(upload)
    check_move(upload, S.DISCARDED)
    files = [upload.path, upload.draft_path]
    if stopped:
        upload.error = worker_stopped_message()
    upload.status = S.DISCARDED
    upload.path = ""
    upload.draft_path = ""
    upload.save()
    audit.record(
        action="dataset.upload_discarded",
        actor=actor,
        obj=upload.dataset,
        details={"upload": upload.pk, "bytes": upload.byte_size},
    )
    _unlink_on_commit(files)
    return upload
