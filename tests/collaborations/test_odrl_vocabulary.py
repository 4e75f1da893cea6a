"""Every agreement's ODRL policy, expanded with the W3C context, uses only terms that the ODRL 2.2
vocabulary defines and does not deprecate (both read offline from ../shared/standards/odrl-2.2/)."""

from __future__ import annotations

import itertools
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from rdflib import OWL, RDF, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from datacollab.collaborations import licences, odrl
from datacollab.collaborations.services import agreements as services
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration

STANDARD = Path(__file__).resolve().parents[3] / "shared" / "standards" / "odrl-2.2"
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
CC = Namespace("http://creativecommons.org/ns#")
BASE = "https://example.org/"

# Every combination of the terms an agreement can hold (terms.normalise's keys).
TERMS = [
    {
        "permitted_purposes": purposes,
        "commercial_use": commercial,
        "onward_sharing": sharing,
        "attribution": attribution,
        "retention_days": retention,
    }
    for purposes, commercial, sharing, attribution, retention in itertools.product(
        ([], ["research"], ["transport planning", "research"]),
        (False, True),
        ("none", "members", "anyone"),
        (False, True),
        (None, 365),
    )
]


@cache
def _context() -> dict[str, Any]:
    return json.loads((STANDARD / "odrl.jsonld").read_text())["@context"]


@cache
def _vocabulary() -> Graph:
    return Graph().parse(STANDARD / "ODRL22.ttl", format="turtle")


def _expand(policy: dict[str, Any]) -> Graph:
    assert policy["@context"] == "http://www.w3.org/ns/odrl.jsonld"
    document = json.dumps({**policy, "@context": _context()})
    # A base under the site, as a browser would resolve it: a term the context lacks becomes an
    # IRI there, not an ODRL term.
    return Graph().parse(data=document, format="json-ld", base=BASE)


def _offer(terms: dict[str, Any], licence_url: str | None = None) -> dict[str, Any]:
    return odrl.offer(
        uid=f"{BASE}agreements/terms/#version-1",
        title="Terms",
        version=1,
        terms=terms,
        assigner=f"{BASE}organisations/lead/",
        assigner_name="Lead",
        target=f"{BASE}agreements/terms/#datasets",
        collaboration=f"{BASE}collaborations/clean-air/",
        collaboration_name="Clean air",
        licence_url=licence_url,
    )


def _undefined_terms(graph: Graph) -> list[str]:
    """The actions, operators and left operands (and any other `odrl:` IRI) that the vocabulary
    does not define as such, or marks deprecated."""
    vocabulary = _vocabulary()
    problems: list[str] = []
    kinds = {ODRL.action: ODRL.Action, ODRL.operator: ODRL.Operator}
    kinds[ODRL.leftOperand] = ODRL.LeftOperand
    for predicate, kind in kinds.items():
        for term in graph.objects(None, predicate):
            if (term, RDF.type, kind) not in vocabulary:
                problems.append(f"{term} is no {kind}")
            elif (term, OWL.deprecated, Literal(True)) in vocabulary:
                problems.append(f"{term} is deprecated")
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef) and str(node).startswith(str(ODRL)):
                if (node, None, None) not in vocabulary:
                    problems.append(f"{node} is not in ODRL 2.2")
                elif (node, OWL.deprecated, Literal(True)) in vocabulary:
                    problems.append(f"{node} is deprecated")
    return problems


@pytest.mark.parametrize("terms", TERMS, ids=lambda t: json.dumps(t, sort_keys=True))
def test_odrl_offer_uses_only_current_odrl_terms(terms):
    graph = _expand(_offer(terms))

    assert _undefined_terms(graph) == []


def test_odrl_offer_without_commercial_use_prohibits_cc_commercial_use():
    graph = _expand(_offer({"commercial_use": False, "onward_sharing": "anyone"}))

    prohibited = {graph.value(rule, ODRL.action) for rule in graph.objects(None, ODRL.prohibition)}
    assert prohibited == {CC.CommercialUse}


def test_odrl_offer_purposes_are_one_list_operand():
    graph = _expand(_offer({"permitted_purposes": ["transport planning", "research"]}))

    (constraint,) = graph.subjects(ODRL.operator, ODRL.isAnyOf)
    (operand,) = graph.objects(constraint, ODRL.rightOperand)
    assert list(Collection(graph, operand)) == [Literal("transport planning"), Literal("research")]


@pytest.mark.django_db
@pytest.mark.parametrize("licence", [key for key, _label in licences.choices()])
def test_odrl_view_of_every_agreement_template_uses_only_current_odrl_terms(client, licence):
    admin = make_user()
    collaboration = make_collaboration(lead=make_org(admins=[admin]), slug="clean-air")
    services.create_agreement(
        actor=admin,
        collaboration=collaboration,
        title="Terms",
        licence=licence,
        text=licences.template_text(licence),
        terms={"permitted_purposes": ["research", "education"], "onward_sharing": "members"},
        slug="terms",
    )

    response = client.get("/collaborations/agreements/terms/odrl.jsonld")

    assert response.status_code == 200
    graph = _expand(json.loads(response.content))
    assert _undefined_terms(graph) == []
    assert set(graph.objects(None, ODRL.action)) == {ODRL.use, ODRL.distribute, CC.CommercialUse}
