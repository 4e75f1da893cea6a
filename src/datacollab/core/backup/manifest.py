"""What an archive says about itself, and the checks a restore makes before it writes anything."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from datacollab.core import audit_keys
from datacollab.core.errors import DomainError

FORMAT = "datacollab-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SUMS = "sha256sums.json"

_SECRET_ID_PREFIX = b"datacollab secret key id\x00"


def app_version() -> str:
    try:
        return metadata.version("datacollab")
    except metadata.PackageNotFoundError:
        return "unknown"


def secret_key_id() -> str:
    """A fingerprint of SECRET_KEY (never the key): links and reply addresses depend on it."""
    return hashlib.sha256(_SECRET_ID_PREFIX + settings.SECRET_KEY.encode()).hexdigest()[:12]


@dataclass
class FileEntry:
    area: str
    key: str
    size: int

    @property
    def member(self) -> str:
        return f"files/{self.area}/{self.key}"


@dataclass
class Manifest:
    created_at: str
    database_vendor: str
    migrations: dict[str, list[str]]
    counts: dict[str, int]
    tables: list[str]
    files: list[FileEntry]
    # Key ids (fingerprints, audit_keys.key_id) of the keys that signed the audit log.
    audit_key_ids: list[str]
    secret_key_id: str
    area_roots: dict[str, str]
    orphans: dict[str, int] = field(default_factory=dict)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    app_version: str = field(default_factory=app_version)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data: dict[str, Any] = json.loads(raw)
            if data.get("format") != FORMAT:
                raise ValueError("not a datacollab backup")
            if data.get("format_version") != FORMAT_VERSION:
                raise DomainError(
                    _(
                        "This archive has format version %(theirs)s; this datacollab reads "
                        "version %(ours)s. Restore it with the datacollab version that made it "
                        "(%(app)s)."
                    )
                    % {
                        "theirs": data.get("format_version"),
                        "ours": FORMAT_VERSION,
                        "app": data.get("app_version"),
                    }
                )
            data["files"] = [FileEntry(**entry) for entry in data["files"]]
            return cls(**data)
        except (ValueError, TypeError, KeyError) as exc:
            raise DomainError(
                _("The archive's manifest is not one datacollab wrote: %(error)s") % {"error": exc}
            ) from exc


def migration_problems(
    archive: dict[str, list[str]],
    here: dict[str, list[str]],
    on_disk: set[tuple[str, str]],
    app_version: str,
) -> list[str]:
    """Why this deployment's migrations differ from the archive's, each with what to run."""
    newer = sorted(
        f"{app}.{name}"
        for app, names in archive.items()
        for name in names
        if (app, name) not in on_disk
    )
    if newer:
        return [
            _(
                "The archive was made by a newer datacollab (%(version)s): it has migrations "
                "this code does not know (%(names)s). Install that version, then restore."
            )
            % {"version": app_version, "names": ", ".join(newer[:5])}
        ]
    problems = []
    for app in sorted(set(archive) | set(here)):
        theirs, ours = set(archive.get(app, [])), set(here.get(app, []))
        if theirs == ours:
            continue
        target = max(theirs) if theirs else "zero"
        problems.append(
            _(
                "%(app)s: the archive is at migration %(theirs)s, this deployment at "
                "%(ours)s; run `datacollab migrate %(app)s %(target)s` on this empty "
                "deployment, restore, then `datacollab migrate`."
            )
            % {
                "app": app,
                "theirs": max(theirs) if theirs else "none",
                "ours": max(ours) if ours else "none",
                "target": target,
            }
        )
    return problems


def key_problem(archive_key_ids: list[str]) -> str | None:
    """The audit log verifies only with the keys that signed it: are they all configured here?"""
    known = audit_keys.known()
    missing = sorted(set(archive_key_ids) - set(known))
    if not missing:
        return None
    return _(
        "The archive's audit log is signed with key id(s) %(missing)s, which this deployment "
        "does not have (it knows %(known)s). Set AUDIT_HMAC_KEY (or AUDIT_HMAC_RETIRED_KEYS) to "
        "the key of the deployment the backup comes from, then restore."
    ) % {"missing": ", ".join(missing), "known": ", ".join(sorted(known)) or "none"}


def vendor() -> str:
    return str(connection.vendor)
