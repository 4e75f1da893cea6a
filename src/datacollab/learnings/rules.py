"""Who may write, edit and publish learnings and resources: predicates used by the services
(the rule) and the templates (the hint). Who may READ them is `selectors.visible_*`."""

from __future__ import annotations

from typing import Any

from datacollab.learnings.models import Learning, Resource
from datacollab.network.models import Cohort
from datacollab.network.selectors.participation import cohort_ids_of
from datacollab.organisations.rules import is_convener


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def writes_for(user: Any, cohort: Cohort) -> bool:
    """Participants (current or past) of the cohort, and conveners, write its learnings and
    add its resources."""
    return is_convener(user) or cohort.pk in cohort_ids_of(user)


def may_write(user: Any) -> bool:
    """Whether to offer "write a learning" at all: a convener or anyone in some cohort."""
    return is_convener(user) or bool(cohort_ids_of(user))


def may_edit_learning(user: Any, learning: Learning) -> bool:
    """The author and conveners; credited colleagues read a draft but do not rewrite it."""
    if not _authenticated(user):
        return False
    return is_convener(user) or learning.author_id == user.pk


def may_publish_learning(user: Any, learning: Learning) -> bool:
    """The author while still a (past) participant of the learning's cohort, and conveners."""
    if is_convener(user):
        return True
    return may_edit_learning(user, learning) and learning.cohort_id in cohort_ids_of(user)


def may_edit_resource(user: Any, resource: Resource) -> bool:
    if not _authenticated(user):
        return False
    return is_convener(user) or resource.added_by_id == user.pk
