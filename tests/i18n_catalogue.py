"""A tiny translation catalogue written by a test, to show a string really goes through gettext.

The project's own catalogues are being translated on other branches; a test that needs a
Spanish sentence writes the few it needs here and points LOCALE_PATHS at them (Django's
setting_changed receiver drops its cached catalogues when LOCALE_PATHS changes).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from django.test import override_settings
from django.utils import translation


def write_mo(path: Path, messages: Mapping[str, str]) -> None:
    """GNU .mo format: header, two index tables, then the strings (msgid sorted)."""
    header = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    entries = {"": header, **messages}
    ids = sorted(entries)
    keys = [i.encode() for i in ids]
    values = [entries[i].encode() for i in ids]
    start = 7 * 4 + 16 * len(ids)
    key_table, value_table, blob = [], [], b""
    for data in keys:
        key_table.append((len(data), start + len(blob)))
        blob += data + b"\0"
    for data in values:
        value_table.append((len(data), start + len(blob)))
        blob += data + b"\0"
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(ids), 7 * 4, 7 * 4 + 8 * len(ids), 0, 0)
    tables = b"".join(struct.pack("ii", *e) for e in key_table + value_table)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + tables + blob)


@contextmanager
def spanish(tmp_path: Path, messages: Mapping[str, str]) -> Iterator[None]:
    """Spanish active, with `messages` (msgid -> translation) as the first catalogue.

    Spanish is also among LANGUAGES, so a request with `Accept-Language: es` gets it."""
    write_mo(tmp_path / "es" / "LC_MESSAGES" / "django.mo", messages)
    languages = [("en-gb", "English"), ("es", "Español")]
    with (
        override_settings(LOCALE_PATHS=[tmp_path], LANGUAGES=languages),
        translation.override("es"),
    ):
        yield
