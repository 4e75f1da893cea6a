"""The groups a convener can write to, and who is in them *now* (computed at preview and send).

A group is named by a short key kept in the message: `cohort:<id>`, `alumni`,
`applicants:<call id>:<outcome>` (outcome: all, selected, not_selected, pending),
`reviewers:<call id>`, `session:<id>`. People are active accounts; a person in several
groups is one recipient.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core.content_language import localized
from datacollab.core.errors import DomainError
from datacollab.events.models import Invitation, Session
from datacollab.network.models import Application, Call, Cohort, ReviewAssignment
from datacollab.organisations.models import Membership, User

OUTCOMES = ("all", "selected", "not_selected", "pending")


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    name: str
    organisation: str
    # Their saved language ("" when none): their mail is written in it (core/mail_language.py).
    language: str = ""


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    # What the group is about, for the message-wide placeholders.
    cohort: Cohort | None = None
    call: Call | None = None
    session: Session | None = None
    # Mails to this group may be about the person's own application or grant.
    transactional: bool = False


def _outcome_label(outcome: str) -> str:
    return {
        "all": _("all applicants"),
        "selected": _("selected applicants"),
        "not_selected": _("applicants not selected"),
        "pending": _("applicants awaiting a decision"),
    }[outcome]


def group_choices() -> list[Group]:
    """Every group a convener may choose, newest cohorts, calls and sessions first."""
    groups: list[Group] = []
    for cohort in Cohort.objects.order_by("-starts_on", "-pk"):
        groups.append(
            Group(
                f"cohort:{cohort.pk}",
                _("Cohort: %(name)s (its participants)") % {"name": cohort.name},
                cohort=cohort,
                transactional=True,
            )
        )
    groups.append(Group("alumni", _("The alumni (people of every ended cohort)")))
    for call in Call.objects.select_related("cohort").order_by("-pk"):
        for outcome in OUTCOMES:
            groups.append(
                Group(
                    f"applicants:{call.pk}:{outcome}",
                    _("Call %(call)s: %(who)s")
                    % {"call": localized(call, "title"), "who": _outcome_label(outcome)},
                    call=call,
                    transactional=True,
                )
            )
        groups.append(
            Group(
                f"reviewers:{call.pk}",
                _("Call %(call)s: reviewers") % {"call": localized(call, "title")},
                call=call,
            )
        )
    upcoming = Session.objects.filter(ends_at__gt=timezone.now() - timedelta(days=30))
    for session in upcoming.order_by("starts_at", "pk"):
        groups.append(
            Group(
                f"session:{session.pk}",
                _("Session %(title)s: its invitees") % {"title": session.title},
                session=session,
            )
        )
    return groups


def resolve(keys: Iterable[str]) -> list[Group]:
    """The groups named by `keys`, in the given order; an unknown key is refused."""
    by_key = {group.key: group for group in group_choices()}
    keys = list(dict.fromkeys(keys))
    if not keys:
        raise DomainError(_("Choose at least one group to write to."), field="groups")
    unknown = [key for key in keys if key not in by_key]
    if unknown:
        raise DomainError(
            _("There is no group %(key)s (it may have been removed).") % {"key": unknown[0]},
            field="groups",
        )
    return [by_key[key] for key in keys]


def _people_query(group: Group) -> Q | None:
    """People of a group as a filter on Membership (person + the organisation they are in)."""
    kind, _sep, rest = group.key.partition(":")
    if kind == "cohort":
        return Q(organisation__cohort_memberships__cohort_id=int(rest))
    if kind == "alumni":
        return Q(organisation__cohort_memberships__cohort__ends_on__lt=timezone.localdate())
    if kind == "applicants":
        call_id, _sep, outcome = rest.partition(":")
        apps = Application.objects.filter(call_id=int(call_id), status=Application.Status.SUBMITTED)
        if outcome != "all":
            apps = apps.filter(decision=outcome)
        return Q(organisation__in=apps.values("organisation_id"))
    return None


def _user_ids(group: Group) -> set[int]:
    """People of the groups that are not defined through organisations."""
    kind, _sep, rest = group.key.partition(":")
    if kind == "reviewers":
        return set(
            ReviewAssignment.objects.filter(application__call_id=int(rest)).values_list(
                "reviewer_id", flat=True
            )
        )
    if kind == "session":
        return set(
            Invitation.objects.filter(session_id=int(rest)).values_list("user_id", flat=True)
        )
    if kind == "applicants":
        # The person who submitted is always told, even if no longer a member.
        call_id, _sep, outcome = rest.partition(":")
        apps = Application.objects.filter(call_id=int(call_id), status=Application.Status.SUBMITTED)
        if outcome != "all":
            apps = apps.filter(decision=outcome)
        return set(apps.values_list("created_by_id", flat=True))
    return set()


def recipients(groups: Iterable[Group]) -> list[Recipient]:
    """Everyone in any of `groups`, once each, sorted by name then email. The organisation
    shown for a person is the one through which they are in a group, else their first."""
    organisation_of: dict[int, str] = {}
    ids: set[int] = set()
    for group in groups:
        query = _people_query(group)
        if query is not None:
            for user_id, org_name in (
                Membership.objects.filter(query, user__is_active=True)
                .order_by("organisation__name", "pk")
                .values_list("user_id", "organisation__name")
            ):
                organisation_of.setdefault(user_id, org_name)
                ids.add(user_id)
        ids |= _user_ids(group)
    missing = ids - organisation_of.keys()
    if missing:
        for user_id, org_name in (
            Membership.objects.filter(user_id__in=missing)
            .order_by("organisation__name", "pk")
            .values_list("user_id", "organisation__name")
        ):
            organisation_of.setdefault(user_id, org_name)
    people = User.objects.filter(pk__in=ids, is_active=True).values_list(
        "pk", "email", "display_name", "language"
    )
    found = [
        Recipient(pk, email, name or email, organisation_of.get(pk, ""), language)
        for pk, email, name, language in people
    ]
    return sorted(found, key=lambda r: (r.name.casefold(), r.email))
