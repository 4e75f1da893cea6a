"""A restore's first pass: everything it refuses, checked before anything is written."""

from __future__ import annotations

import contextlib
import hashlib
import tarfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core.backup import archive, tables
from datacollab.core.backup.areas import area_names
from datacollab.core.backup.manifest import (
    MANIFEST,
    SUMS,
    Manifest,
    key_problem,
    migration_problems,
)
from datacollab.core.backup.progress import Progress
from datacollab.core.errors import DomainError


def refuse_unreadable(exc: Exception) -> DomainError:
    return DomainError(
        _("The archive cannot be read (%(error)s): nothing was restored.") % {"error": exc}
    )


@contextlib.contextmanager
def reading() -> Iterator[None]:
    try:
        yield
    except (tarfile.TarError, OSError, EOFError, ValueError, KeyError) as exc:
        raise refuse_unreadable(exc) from exc
    except (DeserializationError, DatabaseError) as exc:
        raise DomainError(
            _("The archive's rows do not load here (%(error)s): nothing was restored.")
            % {"error": exc}
        ) from exc


def check(path: Path, progress: Progress) -> tuple[Manifest, dict[str, str]]:
    """Pass one: refuse before writing anything."""
    seen: dict[str, str] = {}
    manifest: Manifest | None = None
    sums_raw: bytes | None = None
    with reading():
        for tar, member in archive.members(path):
            handle = tar.extractfile(member)
            assert handle is not None
            if manifest is None:
                if member.name != MANIFEST:
                    raise DomainError(_("This is not a datacollab backup (no manifest first)."))
                raw = handle.read()
                seen[MANIFEST] = hashlib.sha256(raw).hexdigest()
                manifest = Manifest.from_json(raw)
                _check_target(manifest)
                progress.stage(
                    _("Checking the archive"), len(manifest.files) + len(manifest.tables)
                )
                continue
            if member.name == SUMS:
                sums_raw = handle.read()
                continue
            if sums_raw is not None:
                raise DomainError(
                    _(
                        "The archive holds the file %(name)s after its list of checksums, where "
                        "nothing may follow: it was altered. Nothing was restored."
                    )
                    % {"name": member.name}
                )
            if member.name in seen:
                raise DomainError(
                    _(
                        "The archive holds the file %(name)s twice: it was altered. Nothing "
                        "was restored."
                    )
                    % {"name": member.name}
                )
            digest = hashlib.sha256()
            while block := handle.read(1024 * 1024):
                digest.update(block)
            seen[member.name] = digest.hexdigest()
            progress.advance()
    if manifest is None or sums_raw is None:
        raise DomainError(_("The archive is incomplete (cut short?): nothing was restored."))
    try:
        sums, valid, kid = archive.read_sums(sums_raw)
    except (ValueError, KeyError, TypeError) as exc:
        raise refuse_unreadable(exc) from exc
    if valid is None:
        raise DomainError(key_problem([kid]) or _("The archive's key is not configured here."))
    if not valid:
        raise DomainError(
            _("The archive's checksums are not signed by its audit key: it was altered.")
        )
    expected = {MANIFEST, *(entry.member for entry in manifest.files)}
    expected |= {tables.file_name(i, apps.get_model(label)) for i, label in numbered(manifest)}
    if set(sums) != expected or set(seen) != expected:
        raise DomainError(_("The archive's members differ from its manifest: it was altered."))
    changed = sorted(name for name in expected if sums[name] != seen[name])
    if changed:
        raise DomainError(
            ngettext(
                "%(count)s file in the archive does not match its SHA-256 checksum "
                "(%(first)s): the archive is damaged or was altered. Nothing was restored.",
                "%(count)s files in the archive do not match their SHA-256 checksums "
                "(first: %(first)s): the archive is damaged or was altered. Nothing was "
                "restored.",
                len(changed),
            )
            % {"count": len(changed), "first": changed[0]}
        )
    return manifest, sums


def numbered(manifest: Manifest) -> list[tuple[int, str]]:
    return list(enumerate(manifest.tables, start=1))


def _check_target(manifest: Manifest) -> None:
    problems = migration_problems(
        manifest.migrations,
        tables.migration_state(),
        tables.migrations_on_disk(),
        manifest.app_version,
    )
    if problems:
        raise DomainError(" ".join(problems))
    problem = key_problem(manifest.audit_key_ids)
    if problem:
        raise DomainError(problem)
    unsafe = [e.key for e in manifest.files if _unsafe_key(e.key)]
    if unsafe:
        raise DomainError(
            _("The archive names a file outside its folder (%(key)s): it was altered.")
            % {"key": unsafe[0]}
        )
    missing_areas = sorted({e.area for e in manifest.files} - set(area_names()))
    if missing_areas:
        raise DomainError(
            _("This deployment has no file area named %(areas)s.")
            % {"areas": ", ".join(missing_areas)}
        )
    filled = [
        f"{model._meta.label} ({count})"
        for model in tables.models_in_order()
        if model._meta.label not in tables.SEEDED and (count := model._base_manager.count())
    ]
    if filled:
        raise DomainError(
            _(
                "This deployment is not empty: %(tables)s. A restore goes only into a new "
                "deployment: create an empty database, run `datacollab migrate`, then restore. "
                "Nothing was changed."
            )
            % {"tables": ", ".join(filled[:5]) + (" ..." if len(filled) > 5 else "")}
        )


def _unsafe_key(key: str) -> bool:
    path = PurePosixPath(key)
    return not key or path.is_absolute() or ".." in path.parts
