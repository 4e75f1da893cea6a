"""An agreement's structured terms as an ODRL 2.2 policy in JSON-LD. Pure: no ORM, no request.

We export an `odrl:Offer`, not an `odrl:Agreement`: the policy is what the collaboration's lead
(the assigner) offers to anyone who accepts it, and an ODRL Agreement needs one named assignee.
Each recorded acceptance is what turns the offer into an agreement with one party. Only terms
of the ODRL 2.2 vocabulary (http://www.w3.org/ns/odrl/2/, ODRL22.ttl) that are not deprecated are
used, each spelled as the W3C context (http://www.w3.org/ns/odrl.jsonld) defines it, so no
`profile` is declared. tests/collaborations/test_odrl_vocabulary.py checks this offline against
copies of both.

Mapping of the terms:
- `use` is permitted, constrained to the permitted purposes (`purpose isAnyOf (...)`, one
  JSON-LD list as the right operand, not several operands) when any are listed; duties:
  `attribute` when attribution is required, `delete` within the retention period
  (`elapsedTime lteq P<n>D`) when one is set.
- onward sharing "none": `distribute` is prohibited; "members": `distribute` is permitted
  only to recipients that are part of the collaboration (`recipient isPartOf <collaboration>`);
  "anyone": `distribute` is permitted (with the attribution duty if required).
- no commercial use: `cc:CommercialUse` is prohibited. ODRL 2.2 deprecates its own
  `commercialize` in favour of this Creative Commons action, which its vocabulary includes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datacollab.collaborations.terms import Sharing

CONTEXT = "http://www.w3.org/ns/odrl.jsonld"
DCT = "http://purl.org/dc/terms/"
XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"
# A compact IRI: the context's `cc` prefix, as `action` values are expanded against the vocabulary.
COMMERCIAL_USE = "cc:CommercialUse"


def _constraint(left: str, operator: str, right: Any) -> dict[str, Any]:
    return {"leftOperand": left, "operator": operator, "rightOperand": right}


def _duties(terms: Mapping[str, Any], *, with_retention: bool) -> list[dict[str, Any]]:
    duties: list[dict[str, Any]] = []
    if terms.get("attribution"):
        duties.append({"action": "attribute"})
    days = terms.get("retention_days")
    if with_retention and days:
        duties.append(
            {
                "action": "delete",
                "constraint": [
                    _constraint(
                        "elapsedTime", "lteq", {"@value": f"P{days}D", "@type": XSD_DURATION}
                    )
                ],
            }
        )
    return duties


def offer(
    *,
    uid: str,
    title: str,
    version: int,
    terms: Mapping[str, Any],
    assigner: str,
    assigner_name: str,
    target: str,
    collaboration: str,
    collaboration_name: str,
    licence_url: str | None = None,
) -> dict[str, Any]:
    """The policy document. `uid`, `assigner`, `target` and `collaboration` are absolute IRIs:
    the policy (one text version), the lead organisation, the collection of datasets the
    agreement governs, and the collaboration as the party collection of its members."""
    purposes = list(terms.get("permitted_purposes") or [])
    use: dict[str, Any] = {"action": "use"}
    if purposes:
        # One operand that is a list: a JSON array alone would expand to several operands.
        use["constraint"] = [_constraint("purpose", "isAnyOf", {"@list": purposes})]
    duties = _duties(terms, with_retention=True)
    if duties:
        use["duty"] = duties

    permissions = [use]
    prohibitions: list[dict[str, Any]] = []
    sharing = terms.get("onward_sharing", Sharing.NONE)
    if sharing == Sharing.NONE:
        prohibitions.append({"action": "distribute"})
    else:
        distribute: dict[str, Any] = {"action": "distribute"}
        if sharing == Sharing.MEMBERS:
            distribute["constraint"] = [
                _constraint(
                    "recipient",
                    "isPartOf",
                    {
                        "@type": "PartyCollection",
                        "uid": collaboration,
                        f"{DCT}title": collaboration_name,
                    },
                )
            ]
        share_duties = _duties(terms, with_retention=False)
        if share_duties:
            distribute["duty"] = share_duties
        permissions.append(distribute)
    if not terms.get("commercial_use"):
        prohibitions.append({"action": COMMERCIAL_USE})

    policy: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Offer",
        "uid": uid,
        f"{DCT}title": title,
        f"{DCT}hasVersion": str(version),
        "assigner": {
            "@type": "Party",
            "uid": assigner,
            f"{DCT}title": assigner_name,
        },
        "target": {"@type": "AssetCollection", "uid": target},
        "permission": permissions,
    }
    if licence_url:
        policy[f"{DCT}license"] = {"@id": licence_url}
    if prohibitions:
        policy["prohibition"] = prohibitions
    return policy
