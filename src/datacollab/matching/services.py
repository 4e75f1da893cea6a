"""Turn peer suggestions into 1:1 networking sessions. Conveners only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.events.models import Audience, Session, SessionKind
from datacollab.events.services.sessions import create_session
from datacollab.matching import rules, selectors
from datacollab.network.models import Cohort, CohortMembership
from datacollab.organisations.models import Membership, Organisation, User


@transaction.atomic
def create_pair_sessions(
    *,
    actor: Any,
    cohort: Cohort,
    pairs: Sequence[tuple[Organisation, Organisation]],
    starts_at: datetime,
    ends_at: datetime,
    video_url: str = "",
    place: str = "",
) -> list[Session]:
    """One networking session per pair, at the same time, for `cohort`; everyone of both
    organisations is invited, the pair's shared terms are its description.

    Each pair needs one organisation of the cohort; the other may be a peer of it or an alumnus
    of any cohort of the network. An organisation can be in one pair of a batch only, as the
    sessions run at the same time.
    """
    if not rules.can_see_cohort_suggestions(actor):
        raise NotAllowed(_("Only a convener can turn peer suggestions into sessions."))
    if not pairs:
        raise DomainError(_("Choose at least one pair to meet."), field="pairs")
    seen: set[int] = set()
    for first, second in pairs:
        if first.pk == second.pk:
            raise DomainError(
                _("%(org)s cannot meet itself: choose two organisations.") % {"org": first.name},
                field="pairs",
            )
        for organisation in (first, second):
            if organisation.pk in seen:
                raise DomainError(
                    _(
                        "%(org)s is in two of the chosen pairs, and the sessions run at the "
                        "same time: choose one pair for it now and make another batch later."
                    )
                    % {"org": organisation.name},
                    field="pairs",
                )
            seen.add(organisation.pk)
    in_network = dict(
        CohortMembership.objects.filter(
            organisation_id__in=seen, cohort__network_id=cohort.network_id
        ).values_list("organisation_id", "cohort_id")
    )
    in_cohort = set(
        CohortMembership.objects.filter(organisation_id__in=seen, cohort=cohort).values_list(
            "organisation_id", flat=True
        )
    )
    for first, second in pairs:
        outside = [org.name for org in (first, second) if org.pk not in in_network]
        if outside:
            raise DomainError(
                ngettext(
                    "%(names)s is in no cohort of this network: only peers and alumni meet.",
                    "%(names)s are in no cohort of this network: only peers and alumni meet.",
                    len(outside),
                )
                % {"names": ", ".join(outside)},
                field="pairs",
            )
        if first.pk not in in_cohort and second.pk not in in_cohort:
            raise DomainError(
                _("Neither %(a)s nor %(b)s is in %(cohort)s: pair them from their own cohort.")
                % {"a": first.name, "b": second.name, "cohort": cohort.name},
                field="pairs",
            )

    reasons = selectors.pair_reasons(viewer=actor, cohort=cohort, pairs=pairs)
    members = (
        Membership.objects.filter(organisation_id__in=seen, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    by_organisation: dict[int, list[User]] = {}
    for membership in members:
        by_organisation.setdefault(membership.organisation_id, []).append(membership.user)

    sessions = []
    for first, second in pairs:
        terms = reasons[(first.pk, second.pk)]
        description = (
            _("Suggested by peer matching: you both write about %(terms)s.")
            % {"terms": ", ".join(terms)}
            if terms
            else _("Paired by the convener to share experience.")
        )
        sessions.append(
            create_session(
                actor=actor,
                network=cohort.network,
                kind=SessionKind.NETWORKING,
                title=_("1:1 networking: %(a)s and %(b)s") % {"a": first.name, "b": second.name},
                starts_at=starts_at,
                ends_at=ends_at,
                audience=Audience.COHORT,
                cohort=cohort,
                description=description,
                place=place,
                video_url=video_url,
                # Contributors of a cohort session must be of that cohort; an alumnus from
                # another cohort still comes, as an invitee.
                contributors=[org for org in (first, second) if org.pk in in_cohort],
                invitees=by_organisation.get(first.pk, []) + by_organisation.get(second.pk, []),
            )
        )
    audit.record(
        action="matching.pair_sessions",
        actor=actor,
        obj=cohort,
        details={
            "pairs": [[first.pk, second.pk] for first, second in pairs],
            "sessions": [session.slug for session in sessions],
        },
    )
    return sessions
