"""Unread tracking: per person and thread, the newest post they have seen."""

from __future__ import annotations

from typing import Any

from datacollab.discussion.models import Thread, ThreadRead


def mark_read(*, actor: Any, thread: Thread, up_to_post_id: int) -> None:
    """Move the person's mark forward to `up_to_post_id`, never back (reading page 1 again after
    page 3 keeps page 3 read). The caller has checked that the person reads the thread.

    Two statements, each atomic alone, and no audit entry: reading is not a decision. When two
    tabs race, the conditional UPDATE and the INSERT that ignores conflicts keep the larger mark.
    """
    if not getattr(actor, "is_authenticated", False) or up_to_post_id <= 0:
        return
    updated = ThreadRead.objects.filter(
        user=actor, thread=thread, last_read_post_id__lt=up_to_post_id
    ).update(last_read_post_id=up_to_post_id)
    if not updated:
        ThreadRead.objects.bulk_create(
            [ThreadRead(user=actor, thread=thread, last_read_post_id=up_to_post_id)],
            ignore_conflicts=True,
        )
