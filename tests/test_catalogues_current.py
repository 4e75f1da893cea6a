"""Issue 14: CI fails when a marked string has no translation. `make i18n-check` (msgfmt) sees
only what the catalogues hold; this test extracts the marked strings from the code as
`make catalogues` does, into a copy of the tree, and fails on any the catalogues lack."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parents[1] / "src" / "datacollab"
LANGUAGES = ("es", "fr", "pt")


def messages(po: Path) -> dict[tuple[str | None, str], bool]:
    """(context, msgid) -> translated and not fuzzy."""
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    found = {}
    for message in catalogue:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found[(message.context, msgid)] = all(strings) and not message.fuzzy
    return found


def test_every_marked_string_is_in_each_catalogue_and_translated(tmp_path):
    tree = tmp_path / "datacollab"
    shutil.copytree(SRC, tree, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "datacollab", "makemessages", "--no-obsolete"]
        + [f"--locale={code}" for code in LANGUAGES],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(SRC.parent)},
        check=True,
        capture_output=True,
    )
    for code in LANGUAGES:
        extracted = messages(tree / "locale" / code / "LC_MESSAGES" / "django.po")
        committed = messages(SRC / "locale" / code / "LC_MESSAGES" / "django.po")
        missing = sorted(str(key) for key in extracted if not committed.get(key))
        assert missing == [], f"{code}: run `make catalogues` and translate: {missing[:10]}"
