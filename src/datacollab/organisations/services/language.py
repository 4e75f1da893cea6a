"""A person's language: the one their pages and mails are in (core/languages.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError
from datacollab.core.languages import supported
from datacollab.organisations.models import User


def clean_language(language: str) -> str:
    """A code of settings.LANGUAGES, or "" (follow the browser); anything else is refused."""
    language = (language or "").strip()
    if not language:
        return ""
    code = supported(language)
    if code != language.lower():
        raise DomainError(
            _("%(code)s is not one of this network's languages.") % {"code": language},
            field="language",
        )
    return code


@transaction.atomic
def set_language(*, user: User, language: str) -> User:
    """Save the person's language; "" forgets it (cookie and browser decide again)."""
    code = clean_language(language)
    if user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return user
