"""Demo people: one password for all, hashed once (Argon2 is slow on purpose)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.hashers import make_password

from datacollab.core import working_languages
from datacollab.demo import content
from datacollab.demo.rows import upsert
from datacollab.organisations.models import Membership, Organisation, RoleGrant, User


@dataclass(frozen=True)
class Person:
    email: str
    display_name: str
    timezone: str = ""
    staff: bool = False
    superuser: bool = False
    # The profile shown in the expert directory and used by peer matching.
    expertise: str = ""
    # Private (docs/guide/accounts.md): stored as ISO 639-1 codes, counted on the dashboard.
    languages: str = ""
    bio: str = ""
    residence_countries: tuple[str, ...] = ()


DEMO_VERIFIED_AT = datetime(2020, 9, 1, tzinfo=UTC)


def email(local: str) -> str:
    return f"{local}@{content.DOMAIN}"


class People:
    """Creates people idempotently; every new one gets the demo password."""

    def __init__(self) -> None:
        self._hash: str | None = None

    @property
    def password_hash(self) -> str:
        if self._hash is None:
            self._hash = make_password(content.PASSWORD)
        return self._hash

    def ensure(self, people: Iterable[Person], *, roles: Iterable[str] = ()) -> dict[str, User]:
        people = list(people)
        by_key, _created = upsert(
            User,
            key=("email",),
            rows=[
                {
                    "email": p.email,
                    "username": p.email,
                    "display_name": p.display_name,
                    "timezone": p.timezone,
                    "is_staff": p.staff or p.superuser,
                    "is_superuser": p.superuser,
                    "expertise": p.expertise,
                    "working_languages": working_languages.parse(p.languages)[0],
                    "languages_note": working_languages.parse(p.languages)[1],
                    "residence_countries": sorted(p.residence_countries),
                    "bio": p.bio,
                }
                for p in people
            ],
            existing=User.objects.filter(email__in=[p.email for p in people]),
            # Demo people have verified addresses, so they can apply and review at once.
            create_only={"password": self.password_hash, "email_verified_at": DEMO_VERIFIED_AT},
        )
        users = {p.email: by_key[(p.email,)] for p in people}
        roles = list(roles)
        if roles:
            upsert(
                RoleGrant,
                key=("user_id", "role"),
                rows=[{"user_id": u.pk, "role": r} for u in users.values() for r in roles],
                existing=RoleGrant.objects.filter(user__in=list(users.values())),
            )
        return users


def ensure_memberships(pairs: Iterable[tuple[User, Organisation, str]]) -> None:
    pairs = list(pairs)
    upsert(
        Membership,
        key=("user_id", "organisation_id"),
        rows=[{"user_id": u.pk, "organisation_id": o.pk, "role": role} for u, o, role in pairs],
        existing=Membership.objects.filter(user__in=[u for u, _o, _r in pairs]),
    )
