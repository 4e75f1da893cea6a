"""Issue 14: a guard for the next mail path. Every module that sends a mail writes it in the
recipient's language through core/mail_language.py; a new sender that forgets would mail
in whatever language the process happens to be in (the sender's, or the worker's default)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "datacollab"
SENDS = re.compile(r"\bEmailMessage\(|\bEmailMultiAlternatives\(|\bsend_mail\(|\bsend_mass_mail\(")


def senders() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        # discussion/services/inbound.py reads mails (email.message.EmailMessage), sends none.
        if SENDS.search(text) and "django.core.mail" in text:
            found.append(path.relative_to(SRC).as_posix())
    return found


def test_every_module_that_sends_mail_writes_it_in_the_recipients_language():
    missing = [
        name
        for name in senders()
        if "mail_language" not in (SRC / name).read_text(encoding="utf-8")
    ]
    assert missing == []


def test_the_guard_sees_the_known_senders():
    assert {
        "organisations/services/invitations.py",
        "network/services/reminders.py",
        "discussion/services/email.py",
        "events/services/public.py",
    } <= set(senders())
