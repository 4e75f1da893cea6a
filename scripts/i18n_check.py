"""`make i18n-check` where GNU gettext's msgfmt is missing: the same verdict from Babel (a
dependency), so a fresh machine needs nothing installed by hand. Counts each catalogue's
translated, untranslated and fuzzy messages and runs Babel's format checkers (python-format
placeholders); exits 1 on any untranslated, fuzzy or broken message."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "datacollab" / "locale"


def check(code: str) -> bool:
    with (LOCALE / code / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = untranslated = fuzzy = 0
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            fuzzy += 1
        elif not all(strings):
            untranslated += 1
        else:
            translated += 1
            problems += [f"  {message.id!r}: {error}" for error in message.check(catalogue)]
    print(
        f"{code}: {translated} translated, {untranslated} untranslated, {fuzzy} fuzzy messages"
        f"{', ' + str(len(problems)) + ' format errors' if problems else ''} (Babel)"
    )
    if problems:
        print("\n".join(problems[:20]))
    return not (untranslated or fuzzy or problems)


if __name__ == "__main__":
    results = [check(code) for code in ("es", "fr", "pt")]
    sys.exit(0 if all(results) else 1)
