"""The expert directory: experts' profiles, topics and open 1:1 slots, searched.

The directory is small (the network's experts, tens of people), so it is read in a fixed
number of queries (experts, then their open slots) and searched and filtered in Python:
words match the name, expertise, profile text, countries and slot topics. The languages a
person works in are private (docs/guide/accounts.md): only those of an expert who chose to show
them are shown and offered as a filter, and they are filtered by code, never searched as words.
The search app's index holds no people, and profile words are not worth a second index.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from datacollab.core import country_names, working_languages
from datacollab.events.models import SupportSlot
from datacollab.events.selectors.support import open_slots
from datacollab.organisations.models import Role, User
from datacollab.organisations.selectors import people_with_role

_SPLIT = re.compile(r"[,;\n]+")
_WORD = re.compile(r"\w+")
MAX_QUERY_WORDS = 10


@dataclass
class ExpertEntry:
    person: User
    topics: list[str]
    slots: list[SupportSlot] = field(default_factory=list)
    haystack: str = ""


@dataclass(frozen=True)
class Directory:
    entries: list[ExpertEntry]
    # Every value the filters offer, from all experts (not only those shown).
    countries: list[tuple[str, str]]
    topics: list[str]
    total: int
    # Languages at least one expert shows (code, label in the reader's language).
    languages: list[tuple[str, str]] = field(default_factory=list)


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _items(text: str) -> list[str]:
    """A comma-separated profile field as items, first spelling of each kept."""
    seen: dict[str, str] = {}
    for part in _SPLIT.split(text or ""):
        item = " ".join(part.split())
        if item and _fold(item) not in seen:
            seen[_fold(item)] = item
    return list(seen.values())


def expert_directory(
    *, viewer: Any, query: str = "", country: str = "", topic: str = "", language: str = ""
) -> Directory:
    """Experts matching every word of `query` and each filter given; their open slots are
    those the viewer could book (all open slots for a convener)."""
    experts = list(people_with_role(Role.EXPERT))
    slots: dict[int, list[SupportSlot]] = defaultdict(list)
    for slot in open_slots(viewer).filter(expert__in=[e.pk for e in experts]):
        slots[slot.expert_id].append(slot)
    entries = []
    for person in experts:
        topics = _items(person.expertise)
        for slot in slots[person.pk]:
            topics += [t for t in _items(slot.topic) if _fold(t) not in map(_fold, topics)]
        entry = ExpertEntry(person=person, topics=topics)
        entry.slots = slots[person.pk]
        entry.haystack = _fold(
            " ".join(
                [
                    str(person),
                    person.bio,
                    *topics,
                    *person.country_names,
                    *(person.countries or []),
                ]
            )
        )
        entries.append(entry)

    all_topics = sorted({_fold(x): x for e in entries for x in e.topics}.values(), key=_fold)
    codes = sorted({code for e in entries for code in e.person.countries or []})
    all_countries = sorted(((c, country_names.name(c)) for c in codes), key=lambda c: c[1])
    spoken = {code for e in entries for code in e.person.shown_working_languages}
    all_languages = sorted(
        ((c, working_languages.label_of(c)) for c in spoken), key=lambda c: _fold(c[1])
    )

    words = [_fold(w) for w in _WORD.findall(query)][:MAX_QUERY_WORDS]
    shown = [
        e
        for e in entries
        if all(w in e.haystack for w in words)
        and (not country or country in (e.person.countries or []))
        and (not topic or _fold(topic) in map(_fold, e.topics))
        and (not language or language in e.person.shown_working_languages)
    ]
    return Directory(
        entries=shown,
        countries=all_countries,
        topics=all_topics,
        total=len(entries),
        languages=all_languages,
    )
