"""A tripwire for the places that lean on another project's private code.

Each entry is code of Django's or gunicorn's that one of our modules replaces, subclasses
below its public surface, or copies (docs/architecture.md, "Patches on other projects'
internals"). Their behaviour has tests of its own; this one fails as soon as an upgrade
changes any of that code, even where those tests happen to still pass, so that whoever
upgrades re-reads the patch against the new code, then writes the new fingerprint here.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

import django
import gunicorn
from django.contrib.sessions.backends import db as session_db
from django.template import defaultfilters
from django.test import signals
from django.utils.translation import reloader, trans_real
from gunicorn.workers import gthread

from datacollab.core import catalogue

# Private members, absent from the type stubs.
_translation: Any = trans_real.DjangoTranslation
_session_store: Any = session_db.SessionStore

# What each patch relies on, by the module of ours that does.
RELIED_ON = {
    # core/catalogue.py: the one function every translation is built by, its cache, how a
    # translation is assembled (levels, fallbacks, catalogue order) and who empties the cache.
    "trans_real.translation": catalogue._django_translation,
    "trans_real.activate": trans_real.activate,
    "trans_real.gettext": trans_real.gettext,
    "DjangoTranslation.__init__": trans_real.DjangoTranslation.__init__,
    "DjangoTranslation._add_fallback": _translation._add_fallback,
    "DjangoTranslation.merge": trans_real.DjangoTranslation.merge,
    "TranslationCatalog": trans_real.TranslationCatalog,
    "signals.language_changed": signals.language_changed,
    "reloader.translation_file_changed": reloader.translation_file_changed,
    # core/sessions.py: the one read it replaces and what the store does with its answer.
    "db.SessionStore._get_session_from_db": _session_store._get_session_from_db,
    "db.SessionStore.load": session_db.SessionStore.load,
    # core/templatetags/date_builtin.py: Django's filter it stands in for.
    "defaultfilters.date": defaultfilters.date,
    # ops/gunicorn_worker.py: the gthread loop it hooks into.
    "gthread.ThreadWorker.run": gthread.ThreadWorker.run,
    "gthread.ThreadWorker.finish_request": gthread.ThreadWorker.finish_request,
    "gthread.ThreadWorker.murder_keepalived": gthread.ThreadWorker.murder_keepalived,
    "gthread.ThreadWorker.on_client_socket_readable": (
        gthread.ThreadWorker.on_client_socket_readable
    ),
}

# Django 5.2.19, gunicorn 23.0.0 (constraints.txt pins both: a bump there is an upgrade).
FINGERPRINTS = {
    "trans_real.translation": "07e3e87a397fe83f",
    "trans_real.activate": "cb22e83e700536ed",
    "trans_real.gettext": "b4231fcbe3e5f43e",
    "DjangoTranslation.__init__": "ba72635b4f3763c9",
    "DjangoTranslation._add_fallback": "c6de51bbf56494ae",
    "DjangoTranslation.merge": "0cf5b68e7da8b484",
    "TranslationCatalog": "7f39fc240b8dac4f",
    "signals.language_changed": "b24837d9f11047a4",
    "reloader.translation_file_changed": "de2095f8bd472d6d",
    "db.SessionStore._get_session_from_db": "775c8d22becd60bd",
    "db.SessionStore.load": "89d644d66ff7dc2d",
    "defaultfilters.date": "558730f33aa1b417",
    "gthread.ThreadWorker.run": "f4a682c0c1872630",
    "gthread.ThreadWorker.finish_request": "63b097d77717804a",
    "gthread.ThreadWorker.murder_keepalived": "b24ba838766d695f",
    "gthread.ThreadWorker.on_client_socket_readable": "080706dc482461ba",
}


def _fingerprint(code: object) -> str:
    return hashlib.sha256(inspect.getsource(code).encode()).hexdigest()[:16]  # type: ignore[arg-type]


def test_patched_internals_unchanged_since_the_patches_were_checked():
    found = {name: _fingerprint(code) for name, code in RELIED_ON.items()}

    changed = sorted(name for name in RELIED_ON if found[name] != FINGERPRINTS.get(name))

    assert changed == [], (
        f"Django {django.get_version()} / gunicorn {gunicorn.__version__} changed code that "
        "a patch of ours relies on: re-check the patch (docs/architecture.md), then update "
        f"FINGERPRINTS with {found}"
    )
