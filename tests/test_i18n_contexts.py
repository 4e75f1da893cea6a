"""A status word shared by several models is one msgid per model (a context names it):
shown through a tiny Spanish catalogue this test writes.

On the old code every model's "Submitted" was the same msgid, so Spanish had to pick one
gender for an application (feminine) and a progress report (masculine).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from django.test import override_settings
from django.utils import translation

from datacollab.collaborations.models import Principle
from datacollab.network.models import Application, Call, ProgressReport

CONTEXT = "\x04"  # GNU gettext: msgctxt, then this byte, then msgid


def _write_mo(path: Path, messages: Mapping[str, str]) -> None:
    """GNU .mo format: header, the two index tables, then the strings (keys sorted)."""
    head = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    entries = {"": head, **messages}
    keys = sorted(entries)
    start = 7 * 4 + 16 * len(keys)
    table, blob = [], b""
    for data in [k.encode() for k in keys] + [entries[k].encode() for k in keys]:
        table.append((len(data), start + len(blob)))
        blob += data + b"\0"
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + b"".join(struct.pack("ii", *e) for e in table) + blob)


@contextmanager
def _spanish(tmp_path: Path, messages: Mapping[str, str]) -> Iterator[None]:
    _write_mo(tmp_path / "es" / "LC_MESSAGES" / "django.mo", messages)
    with (
        override_settings(LOCALE_PATHS=[tmp_path], LANGUAGES=[("en-gb", "English"), ("es", "Es")]),
        translation.override("es"),
    ):
        yield


def test_status_labels_shared_across_models_agree_per_model(tmp_path):
    messages = {
        f"application status{CONTEXT}Submitted": "Enviada",
        f"progress report status{CONTEXT}Submitted": "Enviado",
        f"call status{CONTEXT}Open": "Abierta",
        f"principle: the data collaboration is{CONTEXT}Open": "Abierta",
    }

    with _spanish(tmp_path, messages):
        labels = [
            str(Application.Status.SUBMITTED.label),
            str(ProgressReport.State.SUBMITTED.label),
            str(Call.Status.OPEN.label),
            str(Principle.OPEN.label),
        ]

    assert labels == ["Enviada", "Enviado", "Abierta", "Abierta"]
