"""What a person writes on their profile page changes what others see: the 1:1 expert
directory and the peer matching read the profile, not a copy (issue 8: a person's profile
used by the expert directory and peer matching)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.factories_matching import cohort_org, current_cohort, ended_cohort

pytestmark = pytest.mark.django_db


def _save_profile(client, **fields) -> int:
    data = {"display_name": fields.pop("display_name"), "timezone": "", **fields}
    return client.post("/accounts/profile/", data).status_code


def test_profile_edit_changes_what_the_expert_directory_shows(login):
    _org, (participant,) = cohort_org(current_cohort(), name="Riders")
    expert = make_user(display_name="Esi", roles=["expert"], expertise="bus timetables")
    reader = login(participant)
    before = reader.get("/sessions/support/experts/?q=trusts").content.decode()

    saved = _save_profile(
        login(expert),
        display_name="Esi",
        bio="I helped set up two data trusts.",
        expertise="data trusts, governance",
        countries=["GH"],
    )

    after = reader.get("/sessions/support/experts/?q=trusts").content.decode()
    assert (saved, "Esi" in before, "No expert matches" in before) == (302, False, True)
    assert f'<a href="/accounts/people/{expert.pk}/">Esi</a>: data trusts, governance' in after
    assert "Works in Ghana" in after
    assert "bus timetables" not in after


def test_profile_edit_changes_the_peer_suggestions(login):
    _now, (viewer,) = cohort_org(current_cohort(), name="Viewer org")
    _a, (ana,) = cohort_org(ended_cohort(), name="Org A")
    _b, (ben,) = cohort_org(ended_cohort(), name="Org B")
    for person, name, expertise in [
        (viewer, "Vera", "cargo bike telemetry"),
        (ana, "Ana", "cargo bike telemetry"),
        (ben, "Ben", "museum specimens"),
    ]:
        assert _save_profile(login(person), display_name=name, expertise=expertise) == 302
    page = login(viewer)
    before = [str(s.person) for s in page.get(reverse("peer-suggestions")).context["people"]]

    _save_profile(login(ana), display_name="Ana", expertise="museum specimens")
    _save_profile(login(ben), display_name="Ben", expertise="cargo bike telemetry, routes")

    after = [str(s.person) for s in page.get(reverse("peer-suggestions")).context["people"]]
    assert (before, after) == (["Ana"], ["Ben"])
