from __future__ import annotations

import mailbox
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from datacollab.discussion.services import receive_reply, record_refusal
from datacollab.discussion.services.inbound import RefusedReply


class Command(BaseCommand):
    help = (
        "Post emailed replies in their threads. Without PATH, read one RFC 5322 message on "
        "standard input (for a mail server's pipe: exit 0 posted, 65 unusable message, 77 "
        "refused address or person). With PATH, read every unseen message of a Maildir folder "
        "(marked seen afterwards) or every message of an mbox file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="a Maildir folder or an mbox file")
        parser.add_argument(
            "--to",
            action="append",
            default=[],
            help="the envelope recipient (e.g. Postfix's ${original_recipient}); repeatable",
        )

    def _one(self, raw: bytes, envelope_to: list[str]) -> RefusedReply | None:
        try:
            post = receive_reply(raw=raw, envelope_to=envelope_to)
        except RefusedReply as refusal:
            record_refusal(raw=raw, reason=refusal.message)
            self.stderr.write(f"refused: {refusal.message}")
            return refusal
        self.stdout.write(f"posted: post {post.pk} in thread {post.thread_id}")
        return None

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        if not path:
            refusal = self._one(sys.stdin.buffer.read(), options["to"])
            if refusal is not None:
                raise CommandError(refusal.message, returncode=refusal.status)
            return
        location = Path(path)
        refused = posted = 0
        if location.is_dir():
            box = mailbox.Maildir(location, create=False)
            for key in list(box.iterkeys()):
                message = box[key]
                if "S" in message.get_flags():
                    continue
                if self._one(box.get_bytes(key), options["to"]) is None:
                    posted += 1
                else:
                    refused += 1
                # Seen either way: a refused reply would be refused again.
                message.set_subdir("cur")
                message.add_flag("S")
                box[key] = message
        elif location.is_file():
            # An mbox is read whole every time; a message posted before (same Message-ID)
            # is not posted twice.
            for raw in mailbox.mbox(location, create=False).itervalues():
                if self._one(raw.as_bytes(), options["to"]) is None:
                    posted += 1
                else:
                    refused += 1
        else:
            raise CommandError(f"{path}: no such Maildir folder or mbox file", returncode=66)
        self.stdout.write(f"replies posted: {posted}, refused: {refused}")
        if refused:
            raise CommandError(f"{refused} repl{'y' if refused == 1 else 'ies'} refused")
