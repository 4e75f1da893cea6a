from __future__ import annotations

from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.network.models import Application, SelectionProposal
from datacollab.network.services.selection import confirm_selection, propose_selection
from tests.factories import make_application, make_call, make_cohort, make_org
from tests.network.factories_selection import GS_SPECS, add_review, scored_call

pytestmark = pytest.mark.django_db

REFUSED = escape(
    "Only conveners can see this page or do this; ask a convener of the network if you need access."
)


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _ids(apps, *names):
    by_name = {a.organisation.name: a.pk for a in apps}
    return [by_name[n] for n in names]


# --- convener home --------------------------------------------------------------------------


def test_convener_home_lists_calls_with_counts_and_links(convener, login):
    call, _apps = scored_call(
        [
            {"name": "Reviewed", "score": 4},
            {"name": "Eligible only", "reviewed": False},
            {"name": "Ineligible", "eligible": False, "reviewed": False},
            {"name": "Draft", "submitted": False, "reviewed": False},
        ]
    )

    response = login(convener).get(reverse("convener-home"))

    assert response.status_code == 200
    [row] = response.context["calls"]
    assert (row.n_applications, row.n_submitted, row.n_eligible, row.n_reviewed) == (3, 3, 2, 1)
    [cohort] = response.context["cohorts"]
    assert (cohort.pk, cohort.n_members) == (call.cohort_id, 0)
    content = response.content.decode()
    for name in (
        "call-applications",
        "call-assignments",
        "call-scores",
        "call-selection",
        "call-mails",
    ):
        assert f'href="{reverse(name, args=[call.slug])}"' in content
    assert f'href="{reverse("cohort-grants", args=[call.cohort.slug])}"' in content


def test_convener_home_refuses_non_convener(applicant, login):
    response = login(applicant).get(reverse("convener-home"))

    assert response.status_code == 403
    assert REFUSED in response.content.decode()


def test_convener_home_asks_anonymous_to_log_in(client):
    response = client.get(reverse("convener-home"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('convener-home')}"


def _add_calls(n: int) -> None:
    for _ in range(n):
        call = make_call(cohort=make_cohort())
        make_application(call=call)


def test_convener_home_query_count_is_constant(convener, login):
    client = login(convener)
    _add_calls(2)
    client.get(reverse("convener-home"))
    few = _count_queries(client, reverse("convener-home"))

    _add_calls(4)
    many = _count_queries(client, reverse("convener-home"))

    assert few == many


# --- selection page -------------------------------------------------------------------------


def test_call_selection_explains_global_south_swap(convener, login):
    call, apps = scored_call(GS_SPECS)
    propose_selection(actor=convener, call=call, min_global_south_share=0.5)

    response = login(convener).get(reverse("call-selection", args=[call.slug]))

    assert response.status_code == 200
    page = response.context["page"]
    kenya, beta = _ids(apps, "Kenya Commons", "Beta Data")
    assert [(a.application.pk, d.application.pk) for a, d in page.proposal.pairs] == [(kenya, beta)]
    assert [r.application.pk for r in page.proposal.greedy] == _ids(apps, "Alpha Data", "Beta Data")
    assert [r.application.pk for r in page.proposal.selected] == _ids(
        apps, "Alpha Data", "Kenya Commons"
    )
    content = response.content.decode()
    assert "in: needed for the Global South minimum (rank 3 by merit)" in content
    assert "out: rank 2 by merit, replaced to meet the Global South minimum of 50%" in content
    assert (
        "Global South minimum (by head office): one Global South organisation fewer would break it."
        in content
    )
    assert "Confirm this selection" in content


def test_call_selection_form_starts_from_latest_parameters(convener, login):
    call, apps = scored_call(GS_SPECS)
    propose_selection(
        actor=convener, call=call, min_global_south_share=0.5, forced_out=[apps[3].pk]
    )

    response = login(convener).get(reverse("call-selection", args=[call.slug]))

    assert response.context["form"]["min_global_south_share"].value() == 50
    assert response.context["forced_out"] == {apps[3].pk}
    assert f'name="forced_out" value="{apps[3].pk}" checked' in response.content.decode()


def test_call_selection_post_runs_the_optimiser(convener, login):
    call, apps = scored_call(GS_SPECS)

    response = login(convener).post(
        reverse("call-selection", args=[call.slug]),
        {
            "min_global_south_share": "50",
            "max_per_country": "",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("call-selection", args=[call.slug])
    proposal = SelectionProposal.objects.get(call=call)
    assert proposal.result["selected"] == _ids(apps, "Alpha Data", "Kenya Commons")
    assert proposal.parameters["min_global_south_share"] == 0.5


def test_call_selection_post_forces_in_and_out(convener, login):
    call, apps = scored_call(GS_SPECS)
    alpha, delta = _ids(apps, "Alpha Data", "Delta Data")

    login(convener).post(
        reverse("call-selection", args=[call.slug]),
        {
            "min_global_south_share": "0",
            "forced_in": [delta],
            "forced_out": [alpha],
            "max_company": "3",
        },
    )

    proposal = SelectionProposal.objects.get(call=call)
    assert proposal.result["selected"] == _ids(apps, "Beta Data", "Delta Data")
    assert proposal.parameters["kind_max"] == {"company": 3}


def test_call_selection_post_forced_both_ways_is_400(convener, login):
    call, apps = scored_call(GS_SPECS)

    response = login(convener).post(
        reverse("call-selection", args=[call.slug]),
        {
            "min_global_south_share": "0",
            "forced_in": [apps[0].pk],
            "forced_out": [apps[0].pk],
        },
    )

    assert response.status_code == 400
    assert (
        f"An application cannot be both forced in and forced out: #{apps[0].pk}."
        in response.content.decode()
    )
    assert SelectionProposal.objects.count() == 0


def test_call_selection_post_bad_share_is_400(convener, login):
    call, _apps = scored_call(GS_SPECS)

    response = login(convener).post(
        reverse("call-selection", args=[call.slug]), {"min_global_south_share": "150"}
    )

    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 100." in response.content.decode()


def test_call_selection_post_ineligible_forced_is_400(convener, login):
    call, apps = scored_call([*GS_SPECS, {"name": "Ineligible", "score": 5, "eligible": False}])

    response = login(convener).post(
        reverse("call-selection", args=[call.slug]),
        {
            "min_global_south_share": "0",
            "forced_in": [apps[4].pk],
        },
    )

    assert response.status_code == 400
    assert SelectionProposal.objects.count() == 0


def test_call_selection_infeasible_shows_reason(convener, login):
    call, _apps = scored_call(GS_SPECS)
    propose_selection(actor=convener, call=call, kind_min={"company": 1})

    response = login(convener).get(reverse("call-selection", args=[call.slug]))

    content = response.content.decode()
    assert "No cohort meets all the constraints." in content
    assert "Confirm this selection" not in content


def test_call_selection_unknown_call_is_404(convener, login):
    response = login(convener).get(reverse("call-selection", args=["no-such-call"]))

    assert response.status_code == 404
    assert escape("There is no call “no-such-call”.") in response.content.decode()


def test_call_selection_confirm_records_and_redirects_to_mails(convener, login):
    call, apps = scored_call(GS_SPECS)
    proposal = propose_selection(actor=convener, call=call)

    response = login(convener).post(
        reverse("call-selection-confirm", args=[call.slug, proposal.pk]), {"confirm": "1"}
    )

    assert response.status_code == 302
    assert response.url == reverse("call-mails", args=[call.slug])
    assert list(
        Application.objects.filter(decision="selected").order_by("id").values_list("pk", flat=True)
    ) == _ids(apps, "Alpha Data", "Beta Data")


def test_call_selection_confirm_twice_is_409(convener, login):
    call, _apps = scored_call(GS_SPECS)
    proposal = propose_selection(actor=convener, call=call)
    client = login(convener)
    url = reverse("call-selection-confirm", args=[call.slug, proposal.pk])
    client.post(url, {"confirm": "1"})

    response = client.post(url, {"confirm": "1"})

    assert response.status_code == 409
    assert (
        "This selection is already confirmed; it cannot be confirmed twice."
        in response.content.decode()
    )


def test_call_selection_confirm_superseded_is_409(convener, login):
    call, _apps = scored_call(GS_SPECS)
    old = propose_selection(actor=convener, call=call)
    propose_selection(actor=convener, call=call, min_global_south_share=0.5)

    response = login(convener).post(
        reverse("call-selection-confirm", args=[call.slug, old.pk]), {"confirm": "1"}
    )

    assert response.status_code == 409
    assert "A newer proposal replaced this one." in response.content.decode()


def test_call_selection_after_confirmation_shows_no_form(convener, login):
    call, _apps = scored_call(GS_SPECS)
    confirm_selection(actor=convener, proposal=propose_selection(actor=convener, call=call))

    response = login(convener).get(reverse("call-selection", args=[call.slug]))

    content = response.content.decode()
    assert "The decisions are recorded." in content
    assert "Run the optimiser" not in content


def _add_candidates(call, reviewer, n: int, start: int) -> None:
    for i in range(n):
        org = make_org(country="KE" if (start + i) % 2 else "GB")
        app = make_application(call=call, organisation=org)
        add_review(app, reviewer, 1 + (start + i) % 5)


def test_call_selection_query_count_is_constant(convener, login, reviewer):
    call = make_call(cohort=make_cohort(capacity=3), open=False)
    client = login(convener)
    _add_candidates(call, reviewer, 3, 0)
    propose_selection(actor=convener, call=call, min_global_south_share=0.3)
    client.get(reverse("call-selection", args=[call.slug]))
    few = _count_queries(client, reverse("call-selection", args=[call.slug]))

    _add_candidates(call, reviewer, 6, 3)
    propose_selection(actor=convener, call=call, min_global_south_share=0.3)
    many = _count_queries(client, reverse("call-selection", args=[call.slug]))

    assert few == many


def test_call_selection_without_candidates_says_so(convener, login):
    call = make_call(open=False)

    response = login(convener).get(reverse("call-selection", args=[call.slug]))

    assert response.status_code == 200
    assert response.context["page"].proposal is None
    assert "No application is submitted, eligible and reviewed yet." in response.content.decode()
