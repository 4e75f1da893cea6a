"""The audit log's keys: HMAC-SHA256 with a key that is not in the database.

Whoever can write to the database can rewrite the hash chain and recompute every hash; they
cannot compute these MACs without the key, which lives in the environment or a key file
(settings AUDIT_HMAC_KEY / AUDIT_HMAC_KEY_FILE). Each MAC records the id of its key, so keys
rotate: the current key signs, retired keys (AUDIT_HMAC_RETIRED_KEYS) still verify.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

# Ids derive from the key, so nobody has to name keys, and an id reveals nothing useful.
_ID_PREFIX = b"datacollab audit key id\x00"


def key_id(key: str) -> str:
    return hashlib.sha256(_ID_PREFIX + key.encode()).hexdigest()[:12]


def current() -> tuple[str, str]:
    """(key id, key) that signs new entries, heads and checkpoints."""
    key = settings.AUDIT_HMAC_KEY
    return key_id(key), key


def known() -> dict[str, str]:
    """Every key that may verify: the current one and the retired ones, by id."""
    keys = [settings.AUDIT_HMAC_KEY, *getattr(settings, "AUDIT_HMAC_RETIRED_KEYS", [])]
    return {key_id(key): key for key in keys if key}


def sign(key: str, message: str) -> str:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def check(kid: str, message: str, mac: str) -> bool | None:
    """True if `mac` is right, False if wrong, None if the key id is unknown here."""
    key = known().get(kid)
    if key is None:
        return None
    return hmac.compare_digest(sign(key, message), mac)


# What each MAC covers. An entry's hash already covers its content and the previous hash;
# the prefixes keep a MAC of one kind from being replayed as another.
def entry_message(kid: str, seq: int, entry_hash: str) -> str:
    return f"entry\x00{kid}\x00{seq}\x00{entry_hash}"


def head_message(kid: str, count: int, last_hash: str) -> str:
    return f"head\x00{kid}\x00{count}\x00{last_hash}"


def checkpoint_message(kid: str, count: int, last_hash: str, created_at: str) -> str:
    return f"checkpoint\x00{kid}\x00{count}\x00{last_hash}\x00{created_at}"
