"""The site's main navigation: each entry shown by the rule that guards its page.

A link is offered only when its page would answer the person, so nobody is sent to a 403
(issue 8, problem 7: Peers and Alumni offered to applicants, reviewers and outsiders). The
predicates are the apps' own `rules.py` functions, the same ones their views check; this module
sits with the URLconf at the top of the project, the one place that may know every app.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from datacollab.events import rules as event_rules
from datacollab.matching import rules as matching_rules
from datacollab.network.selectors.alumni import can_see_alumni_directory
from datacollab.network.selectors.grant_obligations import has_grants
from datacollab.organisations import rules as organisation_rules
from datacollab.reports import rules as report_rules


def _anyone(user: Any) -> bool:
    return True


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _anonymous(user: Any) -> bool:
    # Signed-in people reach public sessions from the Sessions page.
    return not _signed_in(user)


# Cheapest checks first: roles are cached on the user, cohort participation costs a query.


def _peers(user: Any) -> bool:
    # matching.views.peer_suggestions answers exactly these two.
    conveners = matching_rules.can_see_cohort_suggestions(user)
    return conveners or matching_rules.can_see_own_suggestions(user)


def _alumni(user: Any) -> bool:
    # The directory's own rule already includes conveners; asking first spares them a query.
    return organisation_rules.is_convener(user) or can_see_alumni_directory(user)


def _support(user: Any) -> bool:
    # events.views.support_home: experts offer slots, current participants book, conveners see all.
    return (
        organisation_rules.is_convener(user)
        or event_rules.can_offer_support(user)
        or event_rules.can_book_support(user)
    )


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    shown_to: Callable[[Any], bool]


ENTRIES: tuple[NavEntry, ...] = (
    NavEntry("home", _("Home"), _anyone),
    NavEntry("dataset-catalog", _("Datasets"), _anyone),
    NavEntry("collaboration-list", _("Collaborations"), _anyone),
    NavEntry("learning-list", _("Learnings"), _anyone),
    NavEntry("challenge-list", _("Challenges"), _anyone),
    NavEntry("session-list", _("Sessions"), _signed_in),
    NavEntry("public-sessions", _("Public sessions"), _anonymous),
    NavEntry("support-home", _("1:1 support"), _support),
    NavEntry("channel-list", _("Discussion"), _signed_in),
    NavEntry("peer-suggestions", _("Peers"), _peers),
    NavEntry("alumni-directory", _("Alumni"), _alumni),
    NavEntry("my-applications", _("My applications"), _signed_in),
    NavEntry("my-reviews", _("My reviews"), organisation_rules.is_reviewer),
    NavEntry("my-grants", _("My grants"), has_grants),
    NavEntry("convener-home", _("Convener"), organisation_rules.is_convener),
    NavEntry("roles", _("Roles"), organisation_rules.can_manage_roles),
    NavEntry("network-dashboard", _("Dashboard"), report_rules.can_see_dashboard),
)


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str | Promise
    current: bool


@functools.lru_cache(maxsize=64)
def _url(url_name: str, urlconf: str | None, script_prefix: str) -> str:
    # The menu's addresses take no arguments, so each depends only on the URLconf and the
    # script prefix it is reversed under (the key): reversed once, not 17 times a page.
    return reverse(url_name, urlconf=urlconf)


def links_for(user: Any, path: str = "") -> list[NavLink]:
    """The entries this person may open, the one for the current page marked."""
    urlconf, prefix = get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    shown = [(_url(e.url_name, urlconf, prefix), e.label) for e in ENTRIES if e.shown_to(user)]
    # The longest matching address is the current one (/sessions/support/ over /sessions/).
    matches = [url for url, _label in shown if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    return [NavLink(url=url, label=label, current=url == current) for url, label in shown]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `nav_links`, computed when a template first reads it."""

    def _links() -> list[NavLink]:
        return links_for(getattr(request, "user", None), request.path)

    return {"nav_links": _links}
