"""Selection's Global South share by head office or by countries of operation: the service
fills the engine's boolean by the rule chosen, records it, and the page explains it. People's
private countries of residence and languages never enter selection."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

import datacollab.network
from datacollab.core.errors import DomainError
from datacollab.core.models import AuditEntry
from datacollab.network.models import SelectionProposal
from datacollab.network.selectors.global_south import HEAD_OFFICE, OPERATION
from datacollab.network.services.selection import confirm_selection, propose_selection
from datacollab.organisations.models import Organisation, User
from tests.network.factories_selection import scored_call

pytestmark = pytest.mark.django_db

# Beta's head office is in the North but it works in Kenya; Kenya Commons' head office is in
# Kenya but it works only in Europe.
SPECS = [
    {"name": "Alpha Data", "country": "GB", "score": 5},
    {"name": "Beta Data", "country": "GB", "score": 4},
    {"name": "Kenya Commons", "country": "KE", "score": 3},
    {"name": "Delta Data", "country": "FR", "score": 2},
]


def _pool():
    call, apps = scored_call(SPECS)
    Organisation.objects.filter(name="Beta Data").update(operating_countries=["GB", "KE"])
    Organisation.objects.filter(name="Kenya Commons").update(operating_countries=["FR", "GB"])
    return call, {a.organisation.name: a.pk for a in apps}


def test_same_pool_gives_a_different_correct_selection_under_each_rule(convener):
    call, ids = _pool()

    by_head_office = propose_selection(
        actor=convener, call=call, min_global_south_share=0.5, global_south_rule=HEAD_OFFICE
    )
    by_operation = propose_selection(
        actor=convener, call=call, min_global_south_share=0.5, global_south_rule=OPERATION
    )

    assert by_head_office.result["selected"] == [ids["Alpha Data"], ids["Kenya Commons"]]
    assert by_operation.result["selected"] == [ids["Alpha Data"], ids["Beta Data"]]
    assert {c["id"]: c["global_south"] for c in by_operation.result["candidates"]} == {
        ids["Alpha Data"]: False,
        ids["Beta Data"]: True,
        ids["Kenya Commons"]: False,
        ids["Delta Data"]: False,
    }
    assert (
        by_head_office.parameters["global_south_rule"],
        by_operation.parameters["global_south_rule"],
    ) == (HEAD_OFFICE, OPERATION)


def test_operation_rule_falls_back_to_head_office_when_none_recorded(convener):
    call, apps = scored_call(SPECS)

    proposal = propose_selection(
        actor=convener, call=call, min_global_south_share=0.5, global_south_rule=OPERATION
    )

    alpha, _beta, kenya, _delta = apps
    assert proposal.result["selected"] == [alpha.pk, kenya.pk]  # Kenya by its head office


def test_confirm_selection_records_the_rule_in_the_audit_entry(convener):
    call, _ids = _pool()
    proposal = propose_selection(
        actor=convener, call=call, min_global_south_share=0.5, global_south_rule=OPERATION
    )

    confirm_selection(actor=convener, proposal=proposal)

    entry = AuditEntry.objects.get(action="selection.confirmed")
    assert (
        entry.details["global_south_rule"],
        entry.details["parameters"]["global_south_rule"],
    ) == (
        OPERATION,
        OPERATION,
    )


def test_propose_selection_refuses_an_unknown_rule(convener):
    call, _ids = _pool()

    with pytest.raises(DomainError, match="Unknown Global South rule residence"):
        propose_selection(actor=convener, call=call, global_south_rule="residence")


def test_selection_page_explains_the_rule_of_the_proposal(convener, login):
    call, _ids = _pool()
    propose_selection(
        actor=convener, call=call, min_global_south_share=0.5, global_south_rule=OPERATION
    )

    response = login(convener).get(reverse("call-selection", args=[call.slug]))

    content = response.content.decode()
    assert (
        "Global South by countries of operation: an organisation counts when at least one of "
        "the countries it works in is in the Global South" in content
    )
    assert (
        "Global South minimum (by countries of operation): one Global South organisation "
        "fewer would break it." in content
    )
    assert response.context["form"]["global_south_rule"].value() == OPERATION


def test_selection_page_post_runs_with_the_rule_chosen(convener, login):
    call, ids = _pool()

    response = login(convener).post(
        reverse("call-selection", args=[call.slug]),
        {"min_global_south_share": "50", "global_south_rule": OPERATION},
    )

    proposal = SelectionProposal.objects.get(call=call)
    assert response.status_code == 302
    assert proposal.result["selected"] == [ids["Alpha Data"], ids["Beta Data"]]


def test_selection_page_post_unknown_rule_is_400(convener, login):
    call, _ids = _pool()

    response = login(convener).post(
        reverse("call-selection", args=[call.slug]),
        {"min_global_south_share": "50", "global_south_rule": "residence"},
    )

    assert (response.status_code, SelectionProposal.objects.filter(call=call).count()) == (400, 0)


def test_people_private_details_change_no_selection_result(convener):
    call, _ids = _pool()
    before = [
        propose_selection(
            actor=convener, call=call, min_global_south_share=0.5, global_south_rule=rule
        ).result["selected"]
        for rule in (HEAD_OFFICE, OPERATION)
    ]

    User.objects.update(
        residence_countries=["KE", "NG"], working_languages=["sw", "yo"], languages_note="x"
    )
    after = [
        propose_selection(
            actor=convener, call=call, min_global_south_share=0.5, global_south_rule=rule
        ).result["selected"]
        for rule in (HEAD_OFFICE, OPERATION)
    ]

    assert after == before


def test_selection_code_never_reads_people_private_details():
    root = Path(datacollab.network.__file__).parent
    sources = [
        root / "selection_engine.py",
        root / "services" / "selection.py",
        root / "selectors" / "selection.py",
        root / "selectors" / "global_south.py",
        root / "forms" / "selection.py",
        root / "views" / "selection.py",
    ]
    private = ("residence_countries", "working_languages", "languages_note")

    found = [(p.name, word) for p in sources for word in private if word in p.read_text()]

    assert found == []
