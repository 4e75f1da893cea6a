"""Background work of the discussion app. Tasks take primitive ids and call one service."""

from __future__ import annotations

from django_tasks import task

from datacollab.discussion.services import email


@task()
def send_post_emails(post_id: int) -> int:
    """Mail a new post to those who want each post and to those it mentions (safe to rerun)."""
    return email.send_post_emails(post_id=post_id)


@task()
def send_daily_digests() -> int:
    """The daily digest for everyone; enqueue it once a day (`datacollab digest --enqueue`)."""
    return email.send_digests()
