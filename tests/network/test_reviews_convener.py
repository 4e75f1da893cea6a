"""Convener pages: call-assignments (with its POST actions) and call-scores."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.network.models import ReviewAssignment, ReviewerConflict, RubricCriterion
from datacollab.network.selectors.reviews import merit_by_application, score_table
from datacollab.organisations.models import Membership
from tests.factories import make_application, make_call, make_org
from tests.network.factories_reviews import assign, make_review, make_reviewer


@pytest.fixture
def call(db):
    return make_call(reviews_per_application=2, slug="cohort-3")


def _url(name: str, call, *args) -> str:
    return reverse(name, args=[call.slug, *args])


# --- call-assignments -----------------------------------------------------------------------


def test_call_assignments_shows_reviewers_and_loads(call, convener, login):
    app = make_application(call=call, title="Flood maps")
    person = make_reviewer(name="Rita Reviewer")
    make_review(assign(app, person), [4, 4])

    response = login(convener).get(_url("call-assignments", call))

    overview = response.context["overview"]
    assert response.status_code == 200
    assert [
        (r.application, [a.reviewer for a in r.assignments], r.missing) for r in overview.rows
    ] == [(app, [person], 1)]
    assert [(load.reviewer, load.assigned, load.submitted) for load in overview.loads] == [
        (person, 1, 1)
    ]


def test_call_assignments_by_a_reviewer_is_403(call, reviewer, login):
    response = login(reviewer).get(_url("call-assignments", call))

    assert response.status_code == 403
    assert "Only conveners can see reviewer assignments and scores." in response.content.decode()


def test_call_assignments_of_an_unknown_call_is_404(db, convener, login):
    response = login(convener).get(reverse("call-assignments", args=["no-such-call"]))

    assert response.status_code == 404


def _assignment_page_queries(login, convener, count: int) -> int:
    call = make_call(reviews_per_application=2)
    people = [make_reviewer() for _ in range(3)]
    for i in range(count):
        app = make_application(call=call)
        make_review(assign(app, people[i % 3]), [3, 4])
        assign(app, people[(i + 1) % 3])
    client = login(convener)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url("call-assignments", call)).status_code == 200
    return len(queries)


def test_call_assignments_query_count_does_not_grow_with_rows(db, convener, login):
    assert _assignment_page_queries(login, convener, 3) == _assignment_page_queries(
        login, convener, 9
    )


def test_call_assignments_run_assigns_every_application(call, convener, login):
    apps = [make_application(call=call) for _ in range(3)]
    for _ in range(3):
        make_reviewer()

    response = login(convener).post(_url("call-assignments-run", call))

    assert response.status_code == 302
    assert [ReviewAssignment.objects.filter(application=a).count() for a in apps] == [2, 2, 2]


def test_call_assignments_run_infeasible_is_400_with_the_message(call, convener, login):
    make_application(call=call, title="Flood maps", organisation=make_org(name="Delta Data"))
    make_reviewer()

    response = login(convener).post(_url("call-assignments-run", call))

    assert response.status_code == 400
    assert (
        "Each application needs 2 reviewers without a conflict; these have fewer: “Flood maps” "
        "(Delta Data): 1."
    ) in response.content.decode()


def test_call_assignments_run_by_a_reviewer_is_403(call, reviewer, login):
    response = login(reviewer).post(_url("call-assignments-run", call))

    assert response.status_code == 403
    assert "Only conveners can assign reviewers." in response.content.decode()


def test_call_assignment_add_by_hand(call, convener, login):
    app = make_application(call=call)
    person = make_reviewer()

    response = login(convener).post(
        _url("call-assignment-add", call), {"add-application": app.pk, "add-reviewer": person.pk}
    )

    assert response.status_code == 302
    assert ReviewAssignment.objects.get(application=app).source == "manual"


def test_call_assignment_add_of_a_conflicted_reviewer_is_409_with_the_message(
    call, convener, login
):
    org = make_org(name="Delta Data")
    app = make_application(call=call, organisation=org)
    person = make_reviewer(name="Ada Member")
    Membership.objects.create(user=person, organisation=org)

    response = login(convener).post(
        _url("call-assignment-add", call), {"add-application": app.pk, "add-reviewer": person.pk}
    )

    assert response.status_code == 409
    assert "Ada Member is a member of Delta Data, so they cannot review its application." in (
        response.content.decode()
    )
    assert ReviewAssignment.objects.count() == 0


def test_call_assignment_add_twice_is_409(call, convener, login):
    app = make_application(call=call, title="Flood maps")
    person = make_reviewer(name="Rita Reviewer")
    assign(app, person)

    response = login(convener).post(
        _url("call-assignment-add", call), {"add-application": app.pk, "add-reviewer": person.pk}
    )

    assert response.status_code == 409
    assert "Rita Reviewer already reviews “Flood maps”." in response.content.decode()


def test_call_assignment_add_of_an_ineligible_application_is_400(call, convener, login):
    app = make_application(call=call, eligible=False)

    response = login(convener).post(
        _url("call-assignment-add", call),
        {"add-application": app.pk, "add-reviewer": make_reviewer().pk},
    )

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


def test_call_assignment_remove(call, convener, login):
    assignment = assign(make_application(call=call), make_reviewer())

    response = login(convener).post(_url("call-assignment-remove", call, assignment.pk))

    assert response.status_code == 302
    assert ReviewAssignment.objects.count() == 0


def test_call_assignment_remove_of_a_submitted_review_is_409(call, convener, login):
    assignment = assign(make_application(call=call), make_reviewer(name="Rita Reviewer"))
    make_review(assignment, [2, 2])

    response = login(convener).post(_url("call-assignment-remove", call, assignment.pk))

    assert response.status_code == 409
    assert "Rita Reviewer already submitted this review" in response.content.decode()
    assert ReviewAssignment.objects.count() == 1


def test_call_conflict_add_by_convener_removes_the_assignment(call, convener, login):
    app = make_application(call=call)
    person = make_reviewer()
    assign(app, person)

    response = login(convener).post(
        _url("call-conflict-add", call),
        {
            "conflict-reviewer": person.pk,
            "conflict-application": app.pk,
            "conflict-reason": "co-author",
        },
    )

    assert response.status_code == 302
    assert ReviewerConflict.objects.get().call == call
    assert ReviewAssignment.objects.count() == 0


# --- scores ---------------------------------------------------------------------------------


@pytest.fixture
def scored(call):
    """Hand-computed: a generous reviewer A and a harsh reviewer B, one 1-5 criterion.

    A: X=5, Y=4          mean 4.5, sd 0.5             z: X=+1, Y=-1
    B: Y=3, Z=3, W=1     mean 7/3, sd sqrt(8/9)=0.943 z: Y=Z=+0.7071, W=-1.4142
    raw mean:        X 5.0, Y 3.5, Z 3.0, W 1.0
    normalised mean: X 1.0, Y (-1 + 0.7071)/2 = -0.1464, Z 0.7071, W -1.4142
    """
    RubricCriterion.objects.filter(call=call).delete()
    RubricCriterion.objects.create(call=call, name="Merit", weight=1)
    apps = {
        name: make_application(call=call, organisation=make_org(name=f"Org {name}"), title=name)
        for name in "XYZW"
    }
    a, b = make_reviewer(name="A"), make_reviewer(name="B")
    for app, person, score in [("X", a, 5), ("Y", a, 4), ("Y", b, 3), ("Z", b, 3), ("W", b, 1)]:
        make_review(assign(apps[app], person), [score])
    return apps


def test_merit_normalises_per_reviewer_as_computed_by_hand(call, scored):
    merit = merit_by_application(call)

    assert {
        name: (round(merit[app.pk].raw_mean, 4), round(merit[app.pk].normalised_mean, 4))
        for name, app in scored.items()
    } == {
        "X": (5.0, 1.0),
        "Y": (3.5, -0.1464),
        "Z": (3.0, 0.7071),
        "W": (1.0, -1.4142),
    }


def test_score_table_sorts_by_normalised_or_raw_mean(call, scored, convener):
    by_normalised = score_table(actor=convener, call=call, sort="normalised")
    by_raw = score_table(actor=convener, call=call, sort="raw")

    assert [r.application.title for r in by_normalised] == ["X", "Z", "Y", "W"]
    assert [r.application.title for r in by_raw] == ["X", "Y", "Z", "W"]


def test_score_table_shows_each_reviewers_raw_and_z_score(call, scored, convener):
    rows = {r.application.title: r for r in score_table(actor=convener, call=call)}

    assert [
        (s.reviewer.display_name, s.weighted_score, round(s.z_score, 4)) for s in rows["Y"].reviews
    ] == [("A", 4.0, -1.0), ("B", 3.0, 0.7071)]


def test_call_scores_page_sorts_by_the_get_parameter(call, scored, convener, login):
    client = login(convener)

    default = client.get(_url("call-scores", call))
    raw = client.get(_url("call-scores", call) + "?sort=raw")
    bogus = client.get(_url("call-scores", call) + "?sort=drop-table")

    assert (default.status_code, raw.status_code, bogus.status_code) == (200, 200, 200)
    assert [r.application.title for r in default.context["rows"]] == ["X", "Z", "Y", "W"]
    assert [r.application.title for r in raw.context["rows"]] == ["X", "Y", "Z", "W"]
    assert bogus.context["sort"] == "normalised"
    assert "-0.15" in default.content.decode()


def test_call_scores_by_a_reviewer_is_403(call, reviewer, login):
    response = login(reviewer).get(_url("call-scores", call))

    assert response.status_code == 403
    assert "Only conveners can see reviewer assignments and scores." in response.content.decode()


def _scores_page_queries(login, convener, count: int) -> int:
    call = make_call(reviews_per_application=2)
    people = [make_reviewer() for _ in range(3)]
    for i in range(count):
        app = make_application(call=call)
        make_review(assign(app, people[i % 3]), [1 + i % 5, 3])
        make_review(assign(app, people[(i + 1) % 3]), [2, 4], submitted=i % 2 == 0)
    client = login(convener)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url("call-scores", call)).status_code == 200
    return len(queries)


def test_call_scores_query_count_does_not_grow_with_rows(db, convener, login):
    assert _scores_page_queries(login, convener, 3) == _scores_page_queries(login, convener, 9)
