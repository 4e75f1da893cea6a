"""The demo's logins: ONE list, printed by `datacollab demo` and shown in docs/guide/demo.md.

A test compares the three (this list, the printed table, the guide's table) and checks that
every account exists after a load and opens with the demo password.
"""

from __future__ import annotations

from dataclasses import dataclass

from datacollab.demo import applicants as synthetic
from datacollab.demo import current
from datacollab.demo.people import email


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    what: str


LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        email("convener"), "convener", "/convener/: calls, reviews, selection, grants, reports"
    ),
    *(
        DemoLogin(
            email(f"reviewer{number}"),
            "reviewer",
            f"{name}: /reviews/, score assigned applications of the open call",
        )
        for number, name in enumerate(synthetic.REVIEWER_NAMES, start=1)
    ),
    DemoLogin(
        email("applicant"),
        "applicant",
        f"/applications/: a draft for {synthetic.DEMO_APPLICANT_ORGANISATION} to finish",
    ),
    DemoLogin(
        current.PARTICIPANT.email,
        "participant",
        f"current cohort ({current.MEMBERS[0].name}): /sessions/support/ to book a 1:1 slot",
    ),
    DemoLogin(
        email(current.MEMBERS[0].slug),
        "organisation admin",
        f"administers {current.MEMBERS[0].name}: its members and profile",
    ),
    DemoLogin(
        email("gbif"),
        "alumnus",
        "second cohort (ended March 2022): RSVPs, posts, publishes a draft learning",
    ),
    DemoLogin(email("expert"), "expert", "Eli Expert: /sessions/support/, offers 1:1 slots"),
    DemoLogin(
        email("data-cargo"),
        "data owner",
        "Data Cargo: /datasets/data-cargo-sensors/, versions and access",
    ),
    DemoLogin(
        email("pedal-post"),
        "data provider",
        "Pedal Post, a Data Cargo firm: reads data-cargo-sensors (group)",
    ),
    DemoLogin(
        email("planner"),
        "data user",
        "borough planners: accepted the agreement, reads data-cargo-sensors",
    ),
    DemoLogin(
        email("city-planner"),
        "aggregates only",
        "/privacy/datasets/data-cargo-sensors/: protected totals by zone and day, never a row",
    ),
    DemoLogin(
        email("researcher"),
        "named grantee",
        "reads iKure's named dataset ikure-ncd-screening-counts",
    ),
    DemoLogin(
        email("outsider"),
        "outsider",
        "registered, no organisation: only open and public datasets",
    ),
    DemoLogin(email("admin"), "superuser", "the Django admin at /admin/"),
)


def guide_rows() -> list[str]:
    """The rows of the guide's table, as docs/guide/demo.md must hold them."""
    return [f"| `{login.email}` | {login.role} | {login.what} |" for login in LOGINS]
