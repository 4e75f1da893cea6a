"""Teams and their submissions: registered and edited while the challenge is open.

`require_accepting` is the one deadline rule; every write of a team or a submission calls it,
so the page, a replayed form and any script are refused alike after the deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.challenges.models import Challenge, Submission, SubmissionFile, Team
from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.text import single_line
from datacollab.datasets.models import Dataset
from datacollab.impact.services.stories import clean_link
from datacollab.network.uploads import check_upload, safe_name
from datacollab.organisations.models import User

MAX_FILES = 5


@dataclass
class _FileRule:
    """The upload check's question, for a submission's files."""

    label: str
    max_file_bytes: int = 20 * 1024 * 1024
    allowed_extensions: Any = (
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "zip",
        "csv",
        "md",
        "txt",
        "docx",
        "pptx",
    )


def require_accepting(challenge: Challenge) -> None:
    now = timezone.now()
    if challenge.status != Challenge.Status.OPEN or not (
        challenge.opens_at <= now < challenge.deadline
    ):
        raise Conflict(
            _(
                "“%(title)s” is not taking entries: teams and submissions change only while it "
                "is open, until its deadline."
            )
            % {"title": challenge.title}
        )


def _require_member(actor: Any, team: Team) -> None:
    if not team.members.filter(pk=actor.pk).exists():
        raise NotAllowed(_("Only the team's members can change its entry."))


@transaction.atomic
def register_team(
    *, actor: Any, challenge: Challenge, name: str, member_emails: Sequence[str] = ()
) -> Team:
    """A signed-in person registers a team of themselves and other existing accounts."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Sign in to take part."))
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    require_accepting(challenge)
    name = single_line(name)[:120]
    if not name:
        raise DomainError(_("Give your team a name."), field="name")
    emails = sorted({e.strip().lower() for e in member_emails if e.strip()})
    found = list(User.objects.filter(email__in=emails))
    unknown = sorted(set(emails) - {u.email.lower() for u in found})
    if unknown:
        raise DomainError(
            _("These addresses have no account here: %(emails)s. Ask them to sign up first.")
            % {"emails": ", ".join(unknown)},
            field="members",
        )
    members = {actor.pk: actor, **{u.pk: u for u in found}}
    taken = sorted(
        User.objects.filter(challenge_teams__challenge=challenge, pk__in=list(members))
        .values_list("email", flat=True)
        .distinct()
    )
    if taken:
        raise Conflict(
            _("Already in a team of this challenge: %(emails)s.") % {"emails": ", ".join(taken)},
            field="members",
        )
    try:
        with transaction.atomic():
            team = Team.objects.create(challenge=challenge, name=name, created_by=actor)
    except IntegrityError:
        raise Conflict(_("Another team already has that name."), field="name") from None
    team.members.set(list(members.values()))
    audit.record(
        action="challenge.team_registered",
        actor=actor,
        obj=team,
        details={"challenge": challenge.slug, "name": name, "members": sorted(members)},
    )
    return team


def _clean_datasets(challenge: Challenge, datasets: Sequence[Dataset]) -> list[Dataset]:
    allowed = set(challenge.datasets.values_list("pk", flat=True))
    chosen = list(datasets)
    if any(d.pk not in allowed for d in chosen):
        raise DomainError(_("Choose among the challenge's datasets."), field="datasets")
    if not chosen:
        raise DomainError(_("Say which of the challenge's datasets you used."), field="datasets")
    return chosen


@transaction.atomic
def save_submission(
    *,
    actor: Any,
    team: Team,
    title: str,
    summary: str,
    link: str = "",
    datasets: Sequence[Dataset],
    files: Sequence[UploadedFile] = (),
) -> Submission:
    """Create or edit the team's one submission, until the deadline."""
    challenge = Challenge.objects.select_for_update().get(pk=team.challenge_id)
    require_accepting(challenge)
    _require_member(actor, team)
    title = single_line(title)[:200]
    if not title:
        raise DomainError(_("Give your submission a title."), field="title")
    summary = summary.strip()
    if not summary:
        raise DomainError(_("Summarise your submission."), field="summary")
    if len(summary) > 3000:
        raise DomainError(_("Keep the summary under 3,000 characters."), field="summary")
    link = clean_link(link) if link.strip() else ""
    chosen = _clean_datasets(challenge, datasets)
    for upload in files:
        check_upload(question=_FileRule(label=_("Submission files")), upload=upload)
    submission = Submission.objects.filter(team=team).first()
    created = submission is None
    kept = 0 if submission is None else submission.files.count()
    if kept + len(files) > MAX_FILES:
        raise DomainError(_("At most %(n)d files.") % {"n": MAX_FILES}, field="attachments")
    if submission is None:
        submission = Submission.objects.create(team=team, title=title, summary=summary, link=link)
    else:
        submission.title, submission.summary, submission.link = title, summary, link
        submission.save()
    submission.datasets.set(chosen)
    for upload in files:
        name = safe_name(upload.name or "upload")
        SubmissionFile.objects.create(
            submission=submission, file=upload, name=name, size=upload.size or 0
        )
    audit.record(
        action="challenge.submission_created" if created else "challenge.submission_edited",
        actor=actor,
        obj=submission,
        details={
            "team": team.pk,
            "datasets": [d.slug for d in chosen],
            "files": [safe_name(f.name or "") for f in files],
        },
    )
    return submission
