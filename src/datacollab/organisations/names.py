"""A person's display name is one clean line: it goes into mail subjects and headers."""

from __future__ import annotations

from email.utils import formataddr

from datacollab.core.text import single_line

NAME_MAX = 150


def clean_display_name(value: str) -> str:
    return single_line(value)[:NAME_MAX].strip()


def mailbox(user: object) -> str:
    """`"Name" <address>` for a To header, quoted and encoded by the standard library."""
    email = str(getattr(user, "email", ""))
    name = clean_display_name(str(getattr(user, "display_name", "") or ""))
    return formataddr((name, email)) if name else email
