"""Impact stories and their life: pending -> published or rejected, decided by the dataset's owner.

Every move is in MOVES; `move_story` refuses any other (a decided story cannot be decided again,
except that a published story can still be taken down). Each move is audited.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.text import single_line
from datacollab.datasets.models import Dataset
from datacollab.datasets.rules import can_see, data_access
from datacollab.impact import rules
from datacollab.impact.models import ImpactStory

Status = ImpactStory.Status

# (from, to) -> the audit action. Nothing else is a move.
MOVES: dict[tuple[str, str], str] = {
    (Status.PENDING, Status.PUBLISHED): "impact.story.published",
    (Status.PENDING, Status.REJECTED): "impact.story.rejected",
    (Status.PUBLISHED, Status.REJECTED): "impact.story.withdrawn",
}
SENTENCE_MAX = 300
LINK_MAX = 500
_LINK = URLValidator(schemes=["http", "https"])


def allowed_moves(story: ImpactStory) -> list[str]:
    """The statuses this story can move to: what a moderation page offers."""
    return [to for (frm, to) in MOVES if frm == story.status]


def clean_sentence(text: str) -> str:
    sentence = single_line(text)
    if not sentence:
        raise DomainError(_("Say in a sentence what you used the dataset for."), field="sentence")
    if len(sentence) > SENTENCE_MAX:
        raise DomainError(
            _("Keep it to one sentence of at most %(n)s characters.") % {"n": SENTENCE_MAX},
            field="sentence",
        )
    return sentence


def clean_link(text: str) -> str:
    link = (text or "").strip()
    problem = _("Give a web address starting with http:// or https://.")
    if not link or len(link) > LINK_MAX:
        raise DomainError(problem, field="link")
    try:
        _LINK(link)
    except ValidationError:
        raise DomainError(problem, field="link") from None
    parts = urlsplit(link)
    if parts.username or parts.password:
        # A story is public: a link carrying a name and password would publish them.
        raise DomainError(_("Give the address without a user name or password."), field="link")
    return link


@transaction.atomic
def submit_story(*, actor: Any, dataset: Dataset, sentence: str, link: str) -> ImpactStory:
    """Record what a signed-in person used the dataset for; it waits for the owner."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Sign in to tell us what you used this dataset for."))
    if not can_see(actor, dataset) or not data_access(actor, dataset).allowed:
        raise NotAllowed(_("Only people who may use this dataset's data can add a story."))
    values = {"sentence": clean_sentence(sentence), "link": clean_link(link)}
    if ImpactStory.objects.filter(dataset=dataset, author=actor, status=Status.PENDING).exists():
        raise Conflict(
            _("Your earlier story is still waiting for the owner: one at a time, please.")
        )
    story = ImpactStory.objects.create(dataset=dataset, author=actor, **values)
    audit.record(
        action="impact.story.submitted",
        actor=actor,
        obj=story,
        details={"dataset": dataset.slug, "link": story.link},
    )
    return story


@transaction.atomic
def move_story(*, actor: Any, story: ImpactStory, to: str) -> ImpactStory:
    """Publish, reject or withdraw a story; only the dataset's owner may."""
    locked = ImpactStory.objects.select_for_update().select_related("dataset").get(pk=story.pk)
    if not rules.can_moderate_stories(actor, locked.dataset):
        raise NotAllowed(_("Only the dataset's owner decides which stories it shows."))
    action = MOVES.get((locked.status, to))
    if action is None:
        # Labels as quoted names, not words in the sentence: each language keeps its grammar.
        target = Status(to).label if to in Status.values else to
        raise Conflict(
            _("This story cannot move from “%(status)s” to “%(to)s”.")
            % {"status": locked.get_status_display(), "to": target}
        )
    before = locked.status
    locked.status = to
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    audit.record(
        action=action,
        actor=actor,
        obj=locked,
        details={"dataset": locked.dataset.slug, "from": before, "to": to},
    )
    return locked
