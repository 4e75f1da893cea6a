"""Reads for translating the network's own texts and its cohorts': how far each language
is done (the overview page), and which language an address may name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.core import content_language
from datacollab.core.errors import NotFound
from datacollab.core.translation_pages import require_translatable_into
from datacollab.network.models import Cohort, Network
from datacollab.network.selectors.setup import cohort_for_convener, require_convener

# The network is created together with its first cohort (services/setup.py: create_cohort).
NO_NETWORK_YET = gettext_lazy(
    "Nothing to translate yet: the network is created together with its first cohort. "
    "Create a cohort on the Set up page first."
)


@dataclass(frozen=True)
class LanguageCell:
    code: str
    name: str
    translated: int
    total: int
    outdated: bool

    @property
    def complete(self) -> bool:
        return self.translated == self.total


@dataclass(frozen=True)
class TranslatedThing:
    obj: Network | Cohort
    cells: list[LanguageCell]


def _cells(obj: Any) -> list[LanguageCell]:
    """One cell per site language other than `obj`'s own: how many of its texts it has."""
    names = [name for name in obj.translatable if getattr(obj, name)]
    cells = []
    for code, _name in content_language.site_languages():
        if code == obj.language:
            continue
        texts = (obj.translations or {}).get(code, {})
        done = sum(1 for name in names if texts.get(name))
        stale = bool(content_language.outdated_fields(obj, code))
        cells.append(
            LanguageCell(code, content_language.language_name(code), done, len(names), stale)
        )
    return cells


def translation_overview(*, actor: Any) -> tuple[TranslatedThing | None, list[TranslatedThing]]:
    """The network (None before the first cohort creates it) and every cohort, newest first."""
    require_convener(actor)
    network = Network.objects.order_by("id").first()
    cohorts = Cohort.objects.order_by("-starts_on", "id")
    return (
        TranslatedThing(network, _cells(network)) if network else None,
        [TranslatedThing(cohort, _cells(cohort)) for cohort in cohorts],
    )


def texts_for_translation(*, actor: Any, cohort_slug: str | None) -> Network | Cohort:
    """The cohort the address names, or without one the network this site runs; 404 when
    there is no such cohort, or no network yet."""
    if cohort_slug is not None:
        return cohort_for_convener(actor=actor, slug=cohort_slug)
    require_convener(actor)
    network = Network.objects.order_by("id").first()
    if network is None:
        raise NotFound(str(NO_NETWORK_YET))
    return network


def language_for(obj: Any, code: str) -> str:
    """A language `obj`'s texts may be translated into, or 404 (the address names it)."""
    return require_translatable_into(
        code,
        original=obj.language,
        refusal=_("These texts cannot be translated into “%(code)s”.") % {"code": code},
    )
