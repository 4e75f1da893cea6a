"""Where the files a backup carries live, and which rows name them.

An *area* is one place files are kept under keys: a Django storage (dataset versions, on local
disk or S3; the private uploads of `FileField`s) or a local folder whose rows hold absolute paths
(uploads waiting to be parsed). A *source* names, for one model, the columns that hold keys of
one area. FileFields are found by looking at the models; the other sources register here from
their app's `ready()`, so core knows nothing of datasets.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages
from django.db import models

CHUNK = 1024 * 1024
MEDIA = "media"


class Area(ABC):
    """Files under keys. Subclasses read, write (whole or not at all) and list them."""

    name: str
    # True when rows hold absolute paths under root(): a restore rewrites them to its own root.
    holds_paths = False

    def root(self) -> str:
        return ""

    def key_of(self, value: str) -> str:
        return value

    def value_of(self, key: str) -> str:
        return key

    @abstractmethod
    def size(self, key: str) -> int:
        """Each area kind implements it."""

    @abstractmethod
    def open(self, key: str) -> IO[bytes]:
        """Each area kind implements it."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Each area kind implements it."""

    @abstractmethod
    def save(self, key: str, local: Path) -> None:
        """Each area kind implements it."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Each area kind implements it."""

    @abstractmethod
    def listing(self) -> Iterator[str]:
        """Each area kind implements it."""


class StorageArea(Area):
    """A Django storage, by its alias in STORAGES (local folder or S3 through django-storages)."""

    def __init__(self, name: str, alias: str) -> None:
        self.name, self.alias = name, alias

    @property
    def storage(self) -> Storage:
        return storages[self.alias]

    def size(self, key: str) -> int:
        return int(self.storage.size(key))

    def open(self, key: str) -> IO[bytes]:
        return self.storage.open(key, "rb")  # type: ignore[no-any-return]

    def exists(self, key: str) -> bool:
        return bool(self.storage.exists(key))

    def save(self, key: str, local: Path) -> None:
        storage = self.storage
        if isinstance(storage, FileSystemStorage):
            _save_local(Path(storage.path(key)), local)
            return
        with local.open("rb") as handle:
            # An S3 object becomes visible only once its upload completes.
            saved = storage.save(key, File(handle, name=key))
        if saved != key:
            storage.delete(saved)
            raise OSError(f"the storage saved {key} as {saved}")

    def delete(self, key: str) -> None:
        if self.storage.exists(key):
            self.storage.delete(key)

    def listing(self) -> Iterator[str]:
        yield from _walk(self.storage, "")


class FolderArea(Area):
    """A local folder named by a setting; its rows hold absolute paths inside it."""

    holds_paths = True

    def __init__(self, name: str, setting: str) -> None:
        self.name, self.setting = name, setting

    def root(self) -> str:
        return str(Path(getattr(settings, self.setting)).resolve())

    def key_of(self, value: str) -> str:
        try:
            return Path(value).resolve().relative_to(self.root()).as_posix()
        except ValueError:
            raise OutsideArea(value, self) from None

    def value_of(self, key: str) -> str:
        return str(Path(self.root()) / key)

    def _path(self, key: str) -> Path:
        return Path(self.root()) / key

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def open(self, key: str) -> IO[bytes]:
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def save(self, key: str, local: Path) -> None:
        _save_local(self._path(key), local)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def listing(self) -> Iterator[str]:
        root = Path(self.root())
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    yield path.relative_to(root).as_posix()


class OutsideArea(Exception):
    def __init__(self, value: str, area: Area) -> None:
        super().__init__(f"{value} is not inside {area.name}'s folder {area.root()}")


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for directory in sorted(directories):
        yield from _walk(storage, prefix + directory)


def _save_local(target: Path, local: Path) -> None:
    """Write under a temporary name in the same folder, fsync, rename: whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f".partial-{uuid.uuid4().hex}-{target.name}"
    try:
        with local.open("rb") as source, temp.open("wb") as sink:
            shutil.copyfileobj(source, sink, CHUNK)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Source:
    """Rows of `model` whose `fields` hold keys (or paths) of `area`; `checksum_field`, when
    set, holds the file's SHA-256, which a backup checks as it copies."""

    model: str
    fields: tuple[str, ...]
    area: str
    checksum_field: str = ""
    # For a column that holds keys inside a structure (a JSON field): the keys in one value.
    keys_in: Callable[[Any], list[str]] | None = None

    def values(self, row_values: Iterable[Any]) -> Iterator[Any]:
        for value in row_values:
            if self.keys_in is None:
                yield value
            elif value:
                yield from self.keys_in(value)


_areas: dict[str, Callable[[], Area]] = {MEDIA: lambda: StorageArea(MEDIA, "default")}
_sources: list[Source] = []


def register_area(name: str, factory: Callable[[], Area]) -> None:
    _areas[name] = factory


def register_source(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def area(name: str) -> Area:
    try:
        return _areas[name]()
    except KeyError:
        raise KeyError(f"no file area {name!r} is registered here") from None


def area_names() -> list[str]:
    return sorted(_areas)


def sources() -> list[Source]:
    """The registered sources, then one per model with FileFields on the default storage."""
    found = list(_sources)
    for model in apps.get_models():
        names = tuple(
            field.name
            for field in model._meta.local_concrete_fields
            if isinstance(field, models.FileField) and _is_default(field.storage)
        )
        if names:
            found.append(Source(model=model._meta.label, fields=names, area=MEDIA))
    return found


def _is_default(storage: Storage) -> bool:
    return storage is default_storage or storage is storages["default"]


def unsupported_file_fields() -> list[str]:
    """FileFields kept in another storage than the default: a backup would miss them."""
    return [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, models.FileField) and not _is_default(field.storage)
    ]


class HashingReader:
    """Reads from `handle`, hashing and counting what passes."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        block = self.handle.read(size)
        self.digest.update(block)
        self.count += len(block)
        return block


def spool(handle: IO[bytes], folder: Path) -> tuple[Path, str]:
    """Copy `handle` to a new file in `folder`; returns it and the SHA-256 of its bytes."""
    digest = hashlib.sha256()
    fd, name = tempfile.mkstemp(prefix="restore-", dir=folder)
    with os.fdopen(fd, "wb") as sink:
        while block := handle.read(CHUNK):
            digest.update(block)
            sink.write(block)
    return Path(name), digest.hexdigest()
