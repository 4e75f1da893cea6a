"""Content written by people, in more than one language (docs/architecture.md, "Content in
several languages").

A translatable model keeps its original text in its own fields, the language that text is
written in (`language`, a code of `settings.LANGUAGES`; a question or criterion takes its
call's), and a `translations` JSONField `{language: {field: text}}`. Reading picks, field by
field: the reader's language, then the original, then any translation (in `settings.LANGUAGES`
order). No query is ever needed: the translations travel in the row.

Writing goes through `apply_translation`, called by each app's service (which checks
permission and records the audit entry): it accepts only the site's languages, other than the
original, and only the fields the model declares translatable, within their lengths. Markdown
in a translation is rendered by the same `markdown` filter as the original, so it is sanitised
the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError


def default_language() -> str:
    """The language content is taken to be written in when nobody said (model default)."""
    return str(settings.LANGUAGE_CODE)


def site_languages() -> list[tuple[str, str]]:
    """(code, name) of every language the site offers, in settings order."""
    return [(str(code), str(name)) for code, name in settings.LANGUAGES]


def language_codes() -> list[str]:
    return [code for code, _name in site_languages()]


def _match(code: str | None, available: Iterable[str]) -> str | None:
    """`code` among `available`: exactly, else by its primary subtag (es-ar reads es)."""
    if not code:
        return None
    code = code.lower()
    options = [a for a in available if a]
    if code in options:
        return code
    base = code.split("-")[0]
    for option in options:
        if option.split("-")[0] == base:
            return option
    return None


def site_language(code: str | None) -> str | None:
    """The site's language for `code` (exact or same base), or None."""
    return _match(code, language_codes())


# Languages that write the names of languages in lower case inside a sentence ("en español",
# "en français"); Django's names start with a capital, as a menu would show them.
LOWER_CASE_NAMES = {"es", "fr", "pt", "it", "ca", "gl"}


def language_name(code: str) -> str:
    """The language's name in the reader's language, as it reads inside a sentence
    ("Spanish", "espagnol")."""
    try:
        name = str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        name = dict(site_languages()).get(code, code)
    reader = (translation.get_language() or "").split("-")[0]
    return name[:1].lower() + name[1:] if reader in LOWER_CASE_NAMES else name


def check_language(code: str, *, field: str = "language") -> str:
    """The code if the site offers that language; a DomainError naming the choices if not."""
    found = code.lower() if code and code.lower() in language_codes() else None
    if found is None:
        raise DomainError(
            _("“%(code)s” is not one of this network's languages: choose among %(known)s.")
            % {
                "code": code,
                "known": ", ".join(f"{name} ({c})" for c, name in site_languages()),
            },
            field=field,
        )
    return found


def reader_language() -> str:
    """The active language, as one of the site's (the default when it offers none like it)."""
    return site_language(translation.get_language()) or default_language()


def original_language(obj: Any, original: str | None = None) -> str:
    return original or getattr(obj, "language", "") or default_language()


@dataclass(frozen=True)
class Localized:
    text: str
    language: str
    # True when the reader asked for another language than the one the text is shown in.
    fell_back: bool
    # True when the text is a translation written before its original last changed.
    outdated: bool = False


def localize(
    obj: Any, field: str, language: str | None = None, *, original: str | None = None
) -> Localized:
    """`obj.field` in `language` (default: the reader's), else the original, else any."""
    wanted = language or reader_language()
    source = original_language(obj, original)
    translations: Mapping[str, Mapping[str, str]] = getattr(obj, "translations", None) or {}
    own = str(getattr(obj, field) or "")
    candidates: list[tuple[str, str]] = [(source, own)]
    candidates += [(code, str(t.get(field) or "")) for code, t in translations.items()]
    texts = {code: text for code, text in candidates if text}
    code = _match(wanted, list(texts))
    if code is not None:
        return Localized(texts[code], code, False, _is_outdated(obj, code, field, source))
    if own:
        return Localized(own, source, True)
    for other in language_codes():
        if texts.get(other):
            return Localized(texts[other], other, True, _is_outdated(obj, other, field, source))
    return Localized("", source, False)


def source_hash(text: str) -> str:
    """What a translation remembers of its original: enough to tell that it changed."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def _is_outdated(obj: Any, language: str, field: str, source: str) -> bool:
    if language == source:
        return False
    remembered = (getattr(obj, "translated_from", None) or {}).get(language, {}).get(field)
    # A translation written before we remembered its original is not known to be outdated.
    return bool(remembered) and remembered != source_hash(str(getattr(obj, field) or ""))


def outdated_fields(obj: Any, language: str, *, original: str | None = None) -> list[str]:
    """The fields whose `language` version was written before their original last changed."""
    source = original_language(obj, original)
    texts = (getattr(obj, "translations", None) or {}).get(language, {})
    return [field for field in texts if _is_outdated(obj, language, field, source)]


def outdated(items: Iterable[tuple[Any, str]], *, language: str | None = None) -> bool:
    """Whether any (obj, field) the reader sees is a translation older than its original."""
    return any(localize(obj, field, language).outdated for obj, field in items)


def outdated_note(items: Iterable[tuple[Any, str]], *, language: str | None = None) -> str:
    if not outdated(items, language=language):
        return ""
    return _(
        "The original changed after this translation was written: it may not say everything "
        "the original says now."
    )


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """Just the text of `localize`."""
    return localize(obj, field, language).text


def fallbacks(
    items: Iterable[tuple[Any, str]], *, original: str | None = None, language: str | None = None
) -> list[str]:
    """The languages that (obj, field) pairs fell back to, for "Shown in English" notes."""
    found: list[str] = []
    for obj, field in items:
        shown = localize(obj, field, language, original=original)
        if shown.fell_back and shown.language not in found:
            found.append(shown.language)
    return found


def fallback_note(languages: Iterable[str], *, language: str | None = None) -> str:
    """ "Shown in English: no Spanish version yet." for the languages texts fell back to."""
    shown = [language_name(code) for code in languages]
    if not shown:
        return ""
    wanted = language_name(language or reader_language())
    return _("Shown in %(shown)s: no %(wanted)s version yet.") % {
        "shown": ", ".join(shown),
        "wanted": wanted,
    }


# --- writing --------------------------------------------------------------------------------


def _limit(model: type[Any], field: str) -> int | None:
    return getattr(model._meta.get_field(field), "max_length", None)


def clean_translation(
    obj: Any,
    *,
    language: str,
    values: Mapping[str, str],
    fields: Iterable[str],
    original: str | None = None,
) -> dict[str, str]:
    """The texts of one language, stripped and checked: a site language other than the
    original, known fields only, each within its field's length. Empty texts are dropped."""
    language = check_language(language)
    if language == original_language(obj, original):
        raise DomainError(
            _(
                "This is written in %(language)s already: change the original text itself "
                "rather than adding a translation into the same language."
            )
            % {"language": language_name(language)},
            field="language",
        )
    allowed = set(fields)
    cleaned: dict[str, str] = {}
    for field, value in values.items():
        if field not in allowed:
            raise DomainError(
                _("“%(field)s” cannot be translated.") % {"field": field}, field=field
            )
        text = (value or "").strip()
        limit = _limit(type(obj), field)
        if limit is not None and len(text) > limit:
            raise DomainError(
                _("Keep the %(language)s text to %(n)d characters or fewer (it has %(len)d).")
                % {"language": language_name(language), "n": limit, "len": len(text)},
                field=field,
            )
        if text:
            cleaned[field] = text
    return cleaned


def apply_translation(obj: Any, *, language: str, values: Mapping[str, str]) -> list[str]:
    """Put cleaned `values` as `obj`'s `language` version (unsaved); the fields that changed.

    A field left empty removes its translation; a language with no text left is removed.
    Each text remembers the hash of the original it translates (`translated_from`), so a
    later change of the original marks it outdated; saving it again, even unchanged, says
    the translator checked it against the new original."""
    current: dict[str, dict[str, str]] = {
        code: dict(texts) for code, texts in (obj.translations or {}).items()
    }
    sources: dict[str, dict[str, str]] = {
        code: dict(hashes) for code, hashes in (getattr(obj, "translated_from", None) or {}).items()
    }
    before = current.get(language, {})
    before_sources = sources.get(language, {})
    now_sources = {field: source_hash(str(getattr(obj, field) or "")) for field in values}
    if values:
        current[language] = dict(values)
        sources[language] = now_sources
    else:
        current.pop(language, None)
        sources.pop(language, None)
    changed = sorted(
        field
        for field in set(before) | set(values)
        if before.get(field, "") != values.get(field, "")
        or before_sources.get(field) != now_sources.get(field)
    )
    obj.translations = current
    if hasattr(obj, "translated_from"):
        obj.translated_from = sources
    return changed


def translation_values(obj: Any, language: str, fields: Iterable[str]) -> dict[str, str]:
    """What `obj` holds in `language`, field by field ('' where nothing), for a form."""
    texts = (getattr(obj, "translations", None) or {}).get(language, {})
    return {field: texts.get(field, "") for field in fields}
