"""The demo has a login for every role, printed by `make demo` and listed by the guide from one
list (issue 8, problem 8: no current participant, so 1:1 booking could not be tried; the
printed logins left out accounts the guide listed)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from datacollab.demo import content, current
from datacollab.demo.builder import load_demo
from datacollab.demo.logins import LOGINS, guide_rows
from datacollab.events.models import Booking
from datacollab.events.selectors.support import open_slots
from datacollab.events.services.support import book_slot
from datacollab.network.models import Cohort
from datacollab.organisations.models import Membership, User

pytestmark = pytest.mark.django_db

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "demo.md"
ROLES = {
    "aggregates only",
    "convener",
    "reviewer",
    "applicant",
    "participant",
    "organisation admin",
    "alumnus",
    "expert",
    "data owner",
    "data provider",
    "data user",
    "named grantee",
    "outsider",
    "superuser",
}


def test_logins_cover_every_role_once_per_account():
    emails = [login.email for login in LOGINS]

    assert {login.role for login in LOGINS} == ROLES
    assert len(emails) == len(set(emails))


def test_demo_command_prints_every_login_of_the_list_and_no_other():
    out = io.StringIO()

    call_command("demo", load_only=True, stdout=out)

    printed = re.findall(rf"\b([a-z0-9.-]+@{re.escape(content.DOMAIN)})\b", out.getvalue())
    assert printed == [login.email for login in LOGINS]
    for login in LOGINS:
        line = next(line for line in out.getvalue().splitlines() if login.email in line)
        assert f" {login.role} " in line


def test_guide_lists_the_same_logins_as_the_command():
    guide = GUIDE.read_text()
    table = guide[guide.index("| login | role | try |") :].split("\n\n", 1)[0].splitlines()

    assert table[2:] == guide_rows()


def test_every_listed_login_exists_and_opens_with_the_demo_password():
    load_demo()

    for login in LOGINS:
        user = User.objects.get(email=login.email)
        assert user.check_password(content.PASSWORD), login.email
        assert Client().login(username=login.email, password=content.PASSWORD), login.email


def test_current_cohort_spans_the_day_of_loading_and_moves_with_it():
    today = timezone.localdate()
    load_demo()
    load_demo(now=timezone.now() + timedelta(days=30))

    cohort = Cohort.objects.get(slug=current.SLUG)

    assert (cohort.starts_on, cohort.ends_on) == current.dates(today + timedelta(days=30))
    assert Cohort.objects.filter(slug=current.SLUG).count() == 1


def test_current_participant_books_the_expert_s_slot_out_of_the_box():
    load_demo()
    participant = User.objects.get(email=current.PARTICIPANT.email)

    slots = list(open_slots(participant))
    booking = book_slot(actor=participant, slot=slots[0], question="How do we price API access?")

    assert len(slots) == 4
    assert Booking.objects.get(pk=booking.pk).participant == participant


def test_organisation_admin_login_administers_its_organisation():
    load_demo()
    admin_login = next(login for login in LOGINS if login.role == "organisation admin")

    roles = set(
        Membership.objects.filter(user__email=admin_login.email).values_list(
            "organisation__slug", "role"
        )
    )

    assert roles == {(current.MEMBERS[0].slug, "admin")}


def test_every_demo_login_s_menu_links_all_answer_200():
    # Issue 8, problem 7 on the demo itself: Peers and Alumni were offered to people they
    # refused. The header's links (menu and account), for each login and for a visitor.
    load_demo()
    clients = {"visitor": Client()}
    one_per_role = {login.role: login for login in reversed(LOGINS)}.values()
    for login in one_per_role:
        clients[login.email] = Client()
        clients[login.email].force_login(User.objects.get(email=login.email))

    refused = {}
    for who, client in clients.items():
        header = client.get("/").content.decode().split('<header class="site">', 1)[1]
        links = re.findall(r'<a href="(/[^"]*)"', header.split("</header>", 1)[0])
        for url in links:
            status = client.get(url).status_code
            if status != 200:
                refused[(who, url)] = status

    assert refused == {}
