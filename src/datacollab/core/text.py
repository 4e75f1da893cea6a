"""Text that must stay on one line: names, and anything that goes into a mail header."""

from __future__ import annotations

import unicodedata

# Joiners shape words in Persian, Indic scripts and emoji: kept. Every other control or
# format character (CR, LF, NUL, bidi overrides, zero-width spaces) becomes a space.
_KEPT_FORMAT = {"\u200c", "\u200d"}
_BREAKING = {"Cc", "Cf", "Zl", "Zp"}


def single_line(value: str) -> str:
    """`value` without control characters, its whitespace runs collapsed to one space."""
    text = unicodedata.normalize("NFC", value or "")
    cleaned = "".join(
        " " if unicodedata.category(ch) in _BREAKING and ch not in _KEPT_FORMAT else ch
        for ch in text
    )
    return " ".join(cleaned.split())
