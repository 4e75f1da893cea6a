"""What `datacollab restore` refuses, changing nothing: a damaged or altered archive, one from
other migrations, one whose audit log this deployment has no key for, one cut short."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError

from datacollab.core import audit_keys
from tests.ops.backup_world import domain_rows, files_under, members, repack, restore

pytestmark = pytest.mark.django_db


def _refused(archive: Path) -> str:
    with pytest.raises(CommandError) as refused:
        restore(archive)
    return str(refused.value)


def _nothing_written(root: Path) -> tuple[int, list[str]]:
    return domain_rows(), files_under(root) if root.exists() else []


def test_restore_refuses_an_archive_with_one_changed_byte_and_writes_nothing(
    made, new_folders, tmp_path
):
    tampered = tmp_path / "tampered.tar.gz"

    def change(name: str, data: bytes) -> bytes:
        if name.startswith("files/media/"):
            return data[:-2] + bytes([data[-2] ^ 1]) + data[-1:]
        return data

    repack(made["archive"], tampered, change)

    message = _refused(tampered)

    assert message.startswith(
        "restore FAILED: 1 file in the archive does not match its SHA-256 checksum ("
    )
    assert "checksum (files/media/private/applications/" in message
    assert _nothing_written(new_folders) == (0, [])


def test_restore_refuses_a_changed_row_even_with_the_files_intact(made, new_folders, tmp_path):
    tampered = tmp_path / "tampered.tar.gz"

    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"backup test", b"backup TEST") if name.startswith("db/") else data

    repack(made["archive"], tampered, change)

    audit_table = next(name for name in members(tampered) if name.endswith("core.auditentry.jsonl"))

    message = _refused(tampered)

    assert message == (
        "restore FAILED: 1 file in the archive does not match its SHA-256 checksum "
        f"({audit_table}): the archive is damaged or was altered. Nothing was restored."
    )
    assert _nothing_written(new_folders) == (0, [])


def test_restore_refuses_two_changed_files_in_the_plural(made, new_folders, tmp_path):
    tampered = tmp_path / "tampered.tar.gz"

    def change(name: str, data: bytes) -> bytes:
        if name.startswith("files/media/"):
            return data[:-1] + bytes([data[-1] ^ 1])
        return data.replace(b"backup test", b"backup TEST") if name.startswith("db/") else data

    repack(made["archive"], tampered, change)
    changed = sorted(
        name
        for name, data in members(made["archive"]).items()
        if name.startswith("files/media/") or (name.startswith("db/") and b"backup test" in data)
    )

    message = _refused(tampered)

    assert len(changed) >= 2
    assert message == (
        f"restore FAILED: {len(changed)} files in the archive do not match their SHA-256 "
        f"checksums (first: {changed[0]}): the archive is damaged or was altered. Nothing was "
        "restored."
    )


def test_restore_refuses_a_file_held_twice(made, new_folders, tmp_path):
    doubled = tmp_path / "doubled.tar.gz"
    repack(made["archive"], doubled, lambda _name, data: data)
    held = members(made["archive"])
    name = next(n for n in held if n.startswith("db/"))
    with tarfile.open(doubled, "r:gz") as source:
        kept = [(m, source.extractfile(m).read()) for m in source.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(doubled, "w:gz") as tar:
        for info, data in [*kept[:2], *[k for k in kept if k[0].name == name], *kept[2:]]:
            tar.addfile(info, io.BytesIO(data))

    message = _refused(doubled)

    assert message == (
        f"restore FAILED: The archive holds the file {name} twice: it was altered. Nothing was "
        "restored."
    )
    assert _nothing_written(new_folders) == (0, [])


def test_restore_refuses_rebuilt_checksums_without_the_audit_key(made, new_folders, tmp_path):
    tampered = tmp_path / "tampered.tar.gz"

    def change(name: str, data: bytes) -> bytes:
        if name == "sha256sums.json":
            sums = json.loads(data)
            sums["sha256"]["manifest.json"] = "0" * 64
            return json.dumps(sums).encode()
        return data

    repack(made["archive"], tampered, change)

    assert _refused(tampered) == (
        "restore FAILED: The archive's checksums are not signed by its audit key: it was altered."
    )
    assert _nothing_written(new_folders) == (0, [])


def test_restore_refuses_a_flipped_byte_in_the_compressed_file(made, new_folders, tmp_path):
    data = bytearray(made["archive"].read_bytes())
    data[len(data) // 2] ^= 0xFF
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(bytes(data))

    message = _refused(broken)

    assert message.startswith("restore FAILED: ")
    assert message.endswith("nothing was restored.") or message.endswith("Nothing was restored.")
    assert _nothing_written(new_folders) == (0, [])


def test_restore_refuses_an_archive_cut_short(made, new_folders, tmp_path):
    data = made["archive"].read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: len(data) - 200])

    assert _refused(cut).startswith("restore FAILED: The archive cannot be read (")
    assert _nothing_written(new_folders) == (0, [])


def _with_manifest(made, tmp_path: Path, edit) -> Path:
    out = tmp_path / "other.tar.gz"

    def change(name: str, data: bytes) -> bytes:
        if name == "manifest.json":
            manifest = json.loads(data)
            edit(manifest)
            return json.dumps(manifest).encode()
        return data

    repack(made["archive"], out, change)
    return out


def test_restore_refuses_an_archive_from_newer_migrations(made, new_folders, tmp_path):
    def edit(manifest: dict) -> None:
        manifest["migrations"]["network"].append("9999_from_the_future")
        manifest["app_version"] = "9.0.0"

    message = _refused(_with_manifest(made, tmp_path, edit))

    assert message == (
        "restore FAILED: The archive was made by a newer datacollab (9.0.0): it has migrations "
        "this code does not know (network.9999_from_the_future). Install that version, then "
        "restore."
    )
    assert _nothing_written(new_folders) == (0, [])


def test_restore_says_which_migrate_to_run_for_an_older_archive(made, new_folders, tmp_path):
    state: dict[str, str] = {}

    def edit(manifest: dict) -> None:
        state["dropped"] = manifest["migrations"]["datasets"].pop()
        state["kept"] = manifest["migrations"]["datasets"][-1]

    message = _refused(_with_manifest(made, tmp_path, edit))

    assert message == (
        f"restore FAILED: datasets: the archive is at migration {state['kept']}, this "
        f"deployment at {state['dropped']}; run `datacollab migrate datasets {state['kept']}` "
        "on this empty deployment, restore, then `datacollab migrate`."
    )
    assert _nothing_written(new_folders) == (0, [])


def test_restore_refuses_when_the_audit_key_differs(made, new_folders, settings):
    old_id = audit_keys.key_id(settings.AUDIT_HMAC_KEY)
    settings.AUDIT_HMAC_KEY = "another deployment's key"
    new_id = audit_keys.key_id(settings.AUDIT_HMAC_KEY)

    message = _refused(made["archive"])

    assert message == (
        f"restore FAILED: The archive's audit log is signed with key id(s) {old_id}, which this "
        f"deployment does not have (it knows {new_id}). Set AUDIT_HMAC_KEY (or "
        "AUDIT_HMAC_RETIRED_KEYS) to the key of the deployment the backup comes from, then "
        "restore."
    )
    assert _nothing_written(new_folders) == (0, [])


def test_restore_accepts_the_old_key_kept_as_a_retired_one(made, new_folders, settings):
    settings.AUDIT_HMAC_RETIRED_KEYS = [settings.AUDIT_HMAC_KEY]
    settings.AUDIT_HMAC_KEY = "the rotated key"

    output = restore(made["archive"])

    assert "audit log OK" in output


def test_manifest_records_key_fingerprints_never_the_key(made, settings):
    manifest = members(made["archive"])["manifest.json"]

    assert settings.AUDIT_HMAC_KEY.encode() not in manifest
    assert json.loads(manifest)["audit_key_ids"] == [audit_keys.key_id(settings.AUDIT_HMAC_KEY)]


def test_restore_refuses_a_file_that_is_not_an_archive(tmp_path, new_folders):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"hello")

    assert _refused(junk).startswith("restore FAILED: The archive cannot be read (")
    assert _nothing_written(new_folders) == (0, [])


class _SwapWhenWriting:
    """Replaces the archive between the check and the writing (someone copying over it)."""

    def __init__(self, archive: Path, replacement: Path) -> None:
        self.archive, self.replacement = archive, replacement

    def stage(self, label: str, total: int | None) -> None:
        if label == "Writing files":
            self.archive.write_bytes(self.replacement.read_bytes())

    def advance(self, amount: int = 1) -> None:
        return None


def test_restore_refuses_an_archive_changed_after_it_was_checked(made, new_folders, tmp_path):
    from datacollab.core.backup.restore import restore_backup
    from datacollab.core.errors import DomainError

    tampered = tmp_path / "tampered.tar.gz"

    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"%PDF", b"%PDX") if name.startswith("files/media/") else data

    repack(made["archive"], tampered, change)
    attachment = next(name for name in members(tampered) if name.startswith("files/media/"))

    with pytest.raises(DomainError) as refused:
        restore_backup(
            archive_path=made["archive"], progress=_SwapWhenWriting(made["archive"], tampered)
        )

    assert refused.value.message == (
        f"{attachment} changed since the archive was checked: nothing was restored."
    )
    assert _nothing_written(new_folders) == (0, [])


def test_restore_refuses_a_file_key_that_leaves_its_folder(made, new_folders, tmp_path):
    def edit(manifest: dict) -> None:
        manifest["files"][0]["key"] = "../../outside.parquet"

    message = _refused(_with_manifest(made, tmp_path, edit))

    assert message == (
        "restore FAILED: The archive names a file outside its folder (../../outside.parquet): "
        "it was altered."
    )
    assert _nothing_written(new_folders) == (0, [])
