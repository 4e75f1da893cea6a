"""An SMTP/LMTP handler (aiosmtpd's handler interface) that posts replies as they arrive.

For sites that run their own inbound mail server instead of piping into `datacollab
inbound-mail`: both call `services.receive_reply`, so they accept and refuse the same mails.
aiosmtpd is not a dependency of the site; this module only needs its handler shape.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async

from datacollab.discussion.services import receive_reply, record_refusal
from datacollab.discussion.services.inbound import RefusedReply


def _deliver(raw: bytes, recipients: list[str]) -> str:
    try:
        post = receive_reply(raw=raw, envelope_to=recipients)
    except RefusedReply as refusal:
        record_refusal(raw=raw, reason=refusal.message)
        # 550: a permanent refusal, so the sender gets a bounce with the reason.
        return f"550 {refusal.message}"
    return f"250 posted as post {post.pk}"


class InboundReplyHandler:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        recipients = [str(r) for r in envelope.rcpt_tos]
        # The ORM is synchronous: run in a worker thread, one at a time.
        return await sync_to_async(_deliver, thread_sensitive=True)(raw, recipients)
