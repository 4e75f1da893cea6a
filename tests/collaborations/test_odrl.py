"""The ODRL 2.2 export, parsed as RDF (offline: the W3C context is read from the copy in
../shared/standards/odrl-2.2/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

from datacollab.collaborations import odrl
from datacollab.collaborations.services import agreements as services
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration

ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
CC = Namespace("http://creativecommons.org/ns#")
DURATION = URIRef("http://www.w3.org/2001/XMLSchema#duration")
STANDARD = Path(__file__).resolve().parents[3] / "shared" / "standards" / "odrl-2.2"
# The W3C context http://www.w3.org/ns/odrl.jsonld, from the copy: tests never touch the
# network, and rdflib would otherwise fetch it.
CONTEXT = json.loads((STANDARD / "odrl.jsonld").read_text())["@context"]

UID = "https://example.org/collaborations/agreements/terms/#version-3"
ASSIGNER = "https://example.org/accounts/organisations/lead/"
TARGET = "https://example.org/collaborations/agreements/terms/#datasets"
COLLABORATION = "https://example.org/collaborations/clean-air/"


def _graph(document: dict[str, Any]) -> Graph:
    assert document["@context"] == "http://www.w3.org/ns/odrl.jsonld"
    return Graph().parse(data=json.dumps({**document, "@context": CONTEXT}), format="json-ld")


def _offer(**terms: Any) -> dict[str, Any]:
    return odrl.offer(
        uid=UID,
        title="Terms",
        version=3,
        terms=terms,
        assigner=ASSIGNER,
        assigner_name="Lead",
        target=TARGET,
        collaboration=COLLABORATION,
        collaboration_name="Clean air",
        licence_url="https://spdx.org/licenses/C-UDA-1.0.html",
    )


def _rules(graph: Graph, kind: URIRef) -> dict[URIRef, BNode]:
    """The rules of the policy of this kind (permission, prohibition), by action."""
    return {graph.value(rule, ODRL.action): rule for rule in graph.objects(URIRef(UID), kind)}


def _constraint(graph: Graph, rule: BNode) -> tuple[URIRef, URIRef, Any]:
    """(left operand, operator, right operand); a list operand comes back as a Python list."""
    (constraint,) = graph.objects(rule, ODRL.constraint)
    (right,) = graph.objects(constraint, ODRL.rightOperand)
    if isinstance(right, BNode) and graph.value(right, RDF.first) is not None:
        right = list(Collection(graph, right))
    return (
        graph.value(constraint, ODRL.leftOperand),
        graph.value(constraint, ODRL.operator),
        right,
    )


def test_offer_policy_type_uid_assigner_target_licence():
    graph = _graph(_offer())
    policy = URIRef(UID)
    assert set(graph.objects(policy, RDF.type)) == {ODRL.Offer}
    assert graph.value(policy, ODRL.assigner) == URIRef(ASSIGNER)
    assert graph.value(policy, ODRL.target) == URIRef(TARGET)
    assert graph.value(URIRef(TARGET), RDF.type) == ODRL.AssetCollection
    assert graph.value(policy, DCTERMS.license) == URIRef(
        "https://spdx.org/licenses/C-UDA-1.0.html"
    )
    assert graph.value(policy, DCTERMS.hasVersion) == Literal("3")


def test_offer_purposes_members_sharing_attribution_retention_no_commerce():
    graph = _graph(
        _offer(
            permitted_purposes=["research", "Urban planning"],
            commercial_use=False,
            onward_sharing="members",
            attribution=True,
            retention_days=90,
        )
    )
    permissions = _rules(graph, ODRL.permission)
    prohibitions = _rules(graph, ODRL.prohibition)
    assert set(permissions) == {ODRL.use, ODRL.distribute}
    assert set(prohibitions) == {CC.CommercialUse}

    use = permissions[ODRL.use]
    assert _constraint(graph, use) == (
        ODRL.purpose,
        ODRL.isAnyOf,
        [Literal("research"), Literal("Urban planning")],
    )
    duties = {graph.value(duty, ODRL.action): duty for duty in graph.objects(use, ODRL.duty)}
    assert set(duties) == {ODRL.attribute, ODRL.delete}
    assert _constraint(graph, duties[ODRL.delete]) == (
        ODRL.elapsedTime,
        ODRL.lteq,
        Literal("P90D", datatype=DURATION),
    )

    distribute = permissions[ODRL.distribute]
    assert _constraint(graph, distribute) == (
        ODRL.recipient,
        ODRL.isPartOf,
        URIRef(COLLABORATION),
    )
    assert graph.value(URIRef(COLLABORATION), RDF.type) == ODRL.PartyCollection
    assert {graph.value(d, ODRL.action) for d in graph.objects(distribute, ODRL.duty)} == {
        ODRL.attribute
    }


def test_offer_no_onward_sharing_prohibits_distribute():
    graph = _graph(_offer(onward_sharing="none", commercial_use=True))
    assert set(_rules(graph, ODRL.permission)) == {ODRL.use}
    assert set(_rules(graph, ODRL.prohibition)) == {ODRL.distribute}


def test_offer_open_terms_permit_use_and_distribute_without_constraints():
    graph = _graph(_offer(onward_sharing="anyone", commercial_use=True, attribution=False))
    permissions = _rules(graph, ODRL.permission)
    assert set(permissions) == {ODRL.use, ODRL.distribute}
    assert _rules(graph, ODRL.prohibition) == {}
    for rule in permissions.values():
        assert list(graph.objects(rule, ODRL.constraint)) == []
        assert list(graph.objects(rule, ODRL.duty)) == []


@pytest.mark.django_db
def test_odrl_view_serves_the_current_version_as_json_ld(client):
    admin = make_user()
    lead = make_org(admins=[admin])
    collaboration = make_collaboration(lead=lead, slug="clean-air")
    agreement = services.create_agreement(
        actor=admin,
        collaboration=collaboration,
        title="Sensor terms",
        licence="CC-BY-4.0",
        text="v1",
        terms={"permitted_purposes": ["research"], "onward_sharing": "none"},
        slug="sensor-terms",
    )
    services.revise_agreement(actor=admin, agreement=agreement, text="v2")
    response = client.get("/collaborations/agreements/sensor-terms/odrl.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    graph = _graph(json.loads(response.content))
    policy = URIRef("http://testserver/collaborations/agreements/sensor-terms/#version-2")
    assert graph.value(policy, RDF.type) == ODRL.Offer
    assert graph.value(policy, ODRL.assigner) == URIRef(
        f"http://testserver/accounts/organisations/{lead.slug}/"
    )
    assert graph.value(policy, DCTERMS.title) == Literal("Sensor terms")
    prohibited = {
        graph.value(rule, ODRL.action) for rule in graph.objects(policy, ODRL.prohibition)
    }
    assert prohibited == {ODRL.distribute, CC.CommercialUse}


@pytest.mark.django_db
def test_odrl_view_unknown_agreement_is_404(client):
    assert client.get("/collaborations/agreements/nope/odrl.jsonld").status_code == 404
