"""Every kind of reminder `datacollab remind` sends, in one registry.

A source is a function `(now) -> list[DueReminder]` listing the reminders due at `now`; each
reminder's `send()` delivers it and records that it was sent, and does nothing when it was
already sent (so the command is idempotent and safe from cron). Apps add their own source in
their `AppConfig.ready()`:

    from datacollab.network import reminder_sources
    reminder_sources.register("feedback", feedback_reminders_due)

The network registers "reports" and "reviews" (network/apps.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DueReminder:
    source: str
    recipients: tuple[str, ...]  # the addresses it goes to, as the dry run lists them
    about: str  # one line: what it reminds of
    send: Callable[[], bool]  # True when a mail went out, False when already sent / no longer due


Source = Callable[[datetime], list[DueReminder]]
_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add (or replace, so a reloaded app does not double) the source called `name`."""
    _sources[name] = source


def sources() -> dict[str, Source]:
    return dict(_sources)


def due(now: datetime, *, only: str | None = None) -> list[DueReminder]:
    """Every reminder due now, source by source in registration order."""
    found: list[DueReminder] = []
    for name, source in _sources.items():
        if only is None or only == name:
            found.extend(source(now))
    return found


def send_due(now: datetime, *, only: str | None = None) -> tuple[int, int]:
    """Send every reminder due now: (sent, skipped because already sent or no longer due)."""
    sent = skipped = 0
    for reminder in due(now, only=only):
        if reminder.send():
            sent += 1
        else:
            skipped += 1
    return sent, skipped
