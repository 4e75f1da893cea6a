"""Peer suggestions from the database: build each organisation's profile, ask the engine.

The pool is every organisation that takes or took part in a cohort. A profile is the text of
its submitted applications (title, summary, text answers), the data collaborations it leads or
belongs to (challenge, goals, sectors), the published learnings credited to it, and its
members' profiles (expertise and bio).

The whole profile shapes the ranking, but only text the viewer may read can be shown as a
reason: their own organisations' applications, every collaboration (those pages are public),
and the learnings `visible_learnings` lets them see. Conveners may read everything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.collaborations.models import CollaborationMember, DataCollaboration
from datacollab.core import countries
from datacollab.core.errors import DomainError, NotAllowed, NotFound
from datacollab.learnings.models import Learning
from datacollab.learnings.selectors import visible_learnings
from datacollab.matching import engine, rules
from datacollab.network.models import (
    Answer,
    Application,
    Cohort,
    CohortMembership,
    QuestionKind,
)
from datacollab.organisations.models import Membership, Organisation

TOP_K = 3
TEXT_KINDS = {
    QuestionKind.SHORT_TEXT,
    QuestionKind.LONG_TEXT,
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
}


@dataclass(frozen=True)
class CohortTie:
    cohort: Cohort
    ended: bool


@dataclass
class PoolEntry:
    organisation: Organisation
    region: str
    cohorts: list[CohortTie] = field(default_factory=list)

    @property
    def is_alumnus(self) -> bool:
        """Every cohort it took part in has ended."""
        return all(tie.ended for tie in self.cohorts)


@dataclass(frozen=True)
class PeerSuggestion:
    peer: PoolEntry
    similarity: float
    shared_terms: tuple[str, ...]
    cross_region: bool

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


@dataclass(frozen=True)
class OrganisationSuggestions:
    entry: PoolEntry
    suggestions: list[PeerSuggestion]


@dataclass
class _Texts:
    # Everything used for matching, and the part the viewer may read.
    all: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)

    def add(self, text: str, *, shown: bool) -> None:
        text = (text or "").strip()
        if text:
            self.all.append(text)
            if shown:
                self.shown.append(text)


def pool(network_id: int | None = None) -> dict[int, PoolEntry]:
    """Every organisation of a cohort (of one network, if given), with its cohorts."""
    memberships = CohortMembership.objects.select_related("cohort").order_by(
        "cohort__starts_on", "cohort_id"
    )
    organisations = Organisation.objects.filter(cohort_memberships__isnull=False)
    if network_id is not None:
        memberships = memberships.filter(cohort__network_id=network_id)
        organisations = organisations.filter(cohort_memberships__cohort__network_id=network_id)
    today = timezone.localdate()
    entries: dict[int, PoolEntry] = {}
    for organisation in (
        organisations.distinct()
        .order_by("name", "pk")
        .prefetch_related(Prefetch("cohort_memberships", queryset=memberships, to_attr="ties"))
    ):
        entries[organisation.pk] = PoolEntry(
            organisation=organisation,
            region=countries.region_of(organisation.country),
            cohorts=[
                CohortTie(cohort=tie.cohort, ended=tie.cohort.ends_on < today)
                for tie in organisation.ties  # type: ignore[attr-defined]
            ],
        )
    return entries


def _answer_text(answer: Answer) -> str:
    if answer.question.kind not in TEXT_KINDS:
        return ""
    value = answer.value
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(item for item in value if isinstance(item, str))
    return ""


def profiles(*, viewer: Any, entries: dict[int, PoolEntry]) -> list[engine.Profile]:
    """One profile per pool entry, with what this viewer may read marked as shown."""
    ids = list(entries)
    sees_all = rules.can_see_cohort_suggestions(viewer)
    # One query gives both the viewer's own organisations in the pool and the members' own
    # profiles (expertise, bio), which say what their organisation works on.
    memberships = list(
        Membership.objects.filter(organisation_id__in=ids)
        .values_list("organisation_id", "user_id", "user__expertise", "user__bio")
        .order_by("pk")
    )
    own = {org_id for org_id, user_id, _e, _b in memberships if user_id == viewer.pk}
    texts: dict[int, _Texts] = defaultdict(_Texts)

    applications = (
        Application.objects.filter(organisation_id__in=ids, status=Application.Status.SUBMITTED)
        .only("organisation_id", "title", "summary")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question").only(
                    "application_id", "value", "question__kind"
                ),
            )
        )
        .order_by("pk")
    )
    for application in applications:
        # Applications are private to their organisation and the conveners.
        shown = sees_all or application.organisation_id in own
        profile = texts[application.organisation_id]
        profile.add(application.title, shown=shown)
        profile.add(application.summary, shown=shown)
        for answer in application.answers.all():
            profile.add(_answer_text(answer), shown=shown)

    members = defaultdict(set)
    for organisation_id, collaboration_id in CollaborationMember.objects.filter(
        organisation_id__in=ids
    ).values_list("organisation_id", "collaboration_id"):
        members[collaboration_id].add(organisation_id)
    collaborations = DataCollaboration.objects.filter(
        Q(pk__in=list(members)) | Q(lead_id__in=ids)
    ).only("lead_id", "challenge", "goals", "sectors")
    for collaboration in collaborations.order_by("pk"):
        text = "\n".join(
            [
                collaboration.challenge,
                collaboration.goals,
                " ".join(str(sector) for sector in collaboration.sectors or []),
            ]
        )
        for organisation_id in members[collaboration.pk] | {collaboration.lead_id}:
            if organisation_id in entries:
                texts[organisation_id].add(text, shown=True)

    credits = list(
        Learning.contributors.through.objects.filter(
            organisation_id__in=ids, learning__status=Learning.Status.PUBLISHED
        ).values_list("organisation_id", "learning_id")
    )
    learning_ids = {learning_id for _, learning_id in credits}
    learning_texts = dict(
        (pk, f"{title}\n{body}")
        for pk, title, body in Learning.objects.filter(pk__in=learning_ids).values_list(
            "pk", "title", "body"
        )
    )
    visible = (
        learning_ids
        if sees_all
        else set(visible_learnings(viewer).filter(pk__in=learning_ids).values_list("pk", flat=True))
    )
    for organisation_id, learning_id in sorted(credits):
        texts[organisation_id].add(learning_texts[learning_id], shown=learning_id in visible)

    # Profiles are shown to everyone logged in, so their words may be shown as reasons.
    for organisation_id, _user_id, expertise, bio in memberships:
        texts[organisation_id].add(f"{expertise}\n{bio}", shown=True)

    result = []
    for pk, entry in entries.items():
        profile = texts[pk]
        result.append(
            engine.Profile(
                key=pk,
                text="\n\n".join(profile.all),
                region=entry.region,
                shown_text=None if sees_all or pk in own else "\n\n".join(profile.shown),
                contexts=tuple(f"cohort:{tie.cohort.pk}" for tie in entry.cohorts),
            )
        )
    return result


def _rows(
    *,
    viewer: Any,
    entries: dict[int, PoolEntry],
    for_ids: Iterable[int],
    candidates: set[int] | None,
    favour_other_regions: bool,
) -> list[OrganisationSuggestions]:
    asked = set(for_ids)
    wanted = [pk for pk in entries if pk in asked]
    result = engine.suggest(
        profiles(viewer=viewer, entries=entries),
        top_k=TOP_K,
        favour_other_regions=favour_other_regions,
        for_keys=wanted,
        candidates=candidates,
    )
    return [
        OrganisationSuggestions(
            entry=entries[pk],
            suggestions=[
                PeerSuggestion(
                    peer=entries[s.key],
                    similarity=s.similarity,
                    shared_terms=s.shared_terms,
                    cross_region=s.cross_region,
                )
                for s in result[pk]
            ],
        )
        for pk in wanted
    ]


def suggestions_for_participant(
    *, viewer: Any, favour_other_regions: bool = False
) -> list[OrganisationSuggestions]:
    """For each of the viewer's organisations that is or was in a cohort, its closest peers
    and alumni (never the viewer's own organisations)."""
    if not rules.can_see_own_suggestions(viewer):
        raise NotAllowed(
            _(
                "Peer suggestions are for people of organisations taking part in a cohort, "
                "or that took part in one. Your organisations are in none."
            )
        )
    entries = pool()
    own = set(Membership.objects.filter(user=viewer).values_list("organisation_id", flat=True))
    return _rows(
        viewer=viewer,
        entries=entries,
        for_ids=own,
        candidates=set(entries) - own,
        favour_other_regions=favour_other_regions,
    )


def _require_convener(viewer: Any) -> None:
    if not rules.can_see_cohort_suggestions(viewer):
        raise NotAllowed(_("Only a convener can see the peer suggestions of a whole cohort."))


def suggestions_for_cohort(
    *, viewer: Any, cohort: Cohort, favour_other_regions: bool = False
) -> list[OrganisationSuggestions]:
    """For each organisation of the cohort, its closest peers and alumni in the network."""
    _require_convener(viewer)
    entries = pool(cohort.network_id)
    members = {
        pk for pk, entry in entries.items() if any(t.cohort.pk == cohort.pk for t in entry.cohorts)
    }
    return _rows(
        viewer=viewer,
        entries=entries,
        for_ids=members,
        candidates=None,
        favour_other_regions=favour_other_regions,
    )


def organisation_pairs(pairs: Iterable[tuple[int, int]]) -> list[tuple[Organisation, Organisation]]:
    """Pairs of organisation ids (as a form sends them) as organisations, in the given order."""
    ids = {pk for pair in pairs for pk in pair}
    found = Organisation.objects.in_bulk(ids)
    if set(found) != ids:
        raise DomainError(
            _(
                "One of the chosen organisations no longer exists: reload the page and "
                "choose again."
            ),
            field="pairs",
        )
    return [(found[a], found[b]) for a, b in pairs]


def pair_reasons(
    *, viewer: Any, cohort: Cohort, pairs: Iterable[tuple[Organisation, Organisation]]
) -> dict[tuple[int, int], tuple[str, ...]]:
    """The shared terms of chosen pairs, suggested or not, keyed by (first id, second id)."""
    _require_convener(viewer)
    entries = pool(cohort.network_id)
    keys = [(a.pk, b.pk) for a, b in pairs]
    explained = engine.explain(profiles(viewer=viewer, entries=entries), keys)
    return {key: explained[key].shared_terms if key in explained else () for key in keys}


def cohort_for_convener(viewer: Any, slug: str) -> Cohort:
    """The cohort at `slug`; refused before looking, so outsiders learn nothing of it."""
    _require_convener(viewer)
    cohort = Cohort.objects.select_related("network").filter(slug=slug).first()
    if cohort is None:
        raise NotFound(_("There is no cohort at this address."))
    return cohort


def cohorts_for_convener(viewer: Any) -> list[Cohort]:
    _require_convener(viewer)
    return list(Cohort.objects.order_by("-starts_on", "pk"))
