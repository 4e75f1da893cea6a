"""Words out of user input and documents, the same way on every database.

User input is never handed to a query parser as typed: it is cut into words (letters and digits;
everything else separates), and only those words reach FTS5 or to_tsquery, each quoted. So `"`,
`*`, `AND (`, `NEAR(` or `-` are just separators, never syntax.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 12
MAX_TERM_LENGTH = 64
# PostgreSQL refuses a tsvector over 1 MB; a document's first 200,000 characters are plenty.
MAX_TEXT = 200_000


def fold(text: str) -> str:
    """Lower case without diacritics: "Café" -> "cafe" (as SQLite's unicode61 remove_diacritics)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def terms(q: str, *, folded: bool) -> list[str]:
    """The distinct words of a query, in order, at most MAX_TERMS.

    `folded` for PostgreSQL, whose documents are folded in Python; SQLite's tokenizer folds both
    documents and query words itself, so there the words are only lower-cased.
    """
    text = fold(q or "") if folded else unicodedata.normalize("NFC", q or "").lower()
    seen: dict[str, None] = {}
    for word in words(text):
        seen.setdefault(word[:MAX_TERM_LENGTH], None)
    return list(seen)[:MAX_TERMS]


def fts5_query(words: list[str]) -> str:
    """Every word as a quoted FTS5 string, as a prefix, all required: `"sensor"* "cargo"*`."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def tsquery(words: list[str]) -> str:
    """Every word as a quoted tsquery lexeme with a prefix mark: `'sensor':* & 'cargo':*`."""
    quoted = ("'" + word.replace("\\", "\\\\").replace("'", "''") + "':*" for word in words)
    return " & ".join(quoted)


def tsvector_text(text: str) -> str:
    """A document's folded words separated by spaces, for to_tsvector('simple', ...).

    Splitting here rather than with PostgreSQL's parser keeps documents and queries cut alike
    (the parser would keep "2.5" or "a@b.org" whole, which no query word could then find).
    """
    return " ".join(words(fold(text[:MAX_TEXT])))
