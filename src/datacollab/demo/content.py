"""The demo's words and facts: the real programme (from the seed texts) and the synthetic call.

The two cohorts are the real ones the ODI and Microsoft ran; their members are read from the
seed texts when present (see `seeds.py`), and these facts fill in what the texts do not say
(kind, country, website). Everything about the third cohort's applicants is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

DOMAIN = "demo.datacollab.org"
PASSWORD = "demo-password-2022"
SEED = 2022

NETWORK_SLUG = "plndc"
NETWORK_NAME = "Peer Learning Network for Data Collaborations"
NETWORK_DESCRIPTION = """\
The **Peer Learning Network for Data Collaborations** is run by the Open Data Institute (ODI)
in partnership with Microsoft, as part of Microsoft's Open Data Campaign. It brings together
cohorts of *data collaborations* — companies, research institutions, non-profits and
government bodies working together on a clear societal or business challenge — so that they
can learn from one another and from the ODI and Microsoft.

Over six months, each cohort meets in roundtables and workshops, gets 1:1 support and
guidance on technical approaches and governance, and connects with peers facing the same
challenges. Each participating organisation receives up to **£20,000** for its time.
"""


@dataclass(frozen=True)
class CohortSpec:
    slug: str
    name: str
    focus: str
    description: str
    starts_on: date
    ends_on: date
    capacity: int
    budget: Decimal
    call_slug: str
    call_title: str
    call_summary: str


FIRST = CohortSpec(
    slug="2020-data-collaborations",
    name="First cohort: early-stage data collaborations",
    focus="early-stage data collaborations",
    description=(
        "Six early-stage data collaborations from across the globe, tackling challenges in "
        "transport, health, gender equality, the circular economy and finance. The cohort "
        "explored **trust and trustworthiness**: how to manage different trust environments, "
        "and which governance and technology mechanisms work where privacy matters."
    ),
    starts_on=date(2020, 12, 1),
    ends_on=date(2021, 5, 31),
    capacity=6,
    budget=Decimal("120000.00"),
    call_slug="2020-data-collaborations-open-call",
    call_title="Open call: Peer Learning Network for Data Collaborations",
    call_summary="For existing or recently established data collaborations exploring trust.",
)

SECOND = CohortSpec(
    slug="2021-open-data-stewards",
    name="Second cohort: open data stewards",
    focus="mature open data stewards",
    description=(
        "Seven established organisations whose purpose is to steward open data that anyone "
        "can access, use and share. Four roundtables covered the value and impact of open "
        "data, governance models, sustainable business models that keep data open, and making "
        "data accessible to a wide community of users."
    ),
    starts_on=date(2021, 10, 1),
    ends_on=date(2022, 3, 31),
    capacity=7,
    budget=Decimal("140000.00"),
    call_slug="2021-open-data-stewards-open-call",
    call_title="Open call: join a network of organisations that steward open data",
    call_summary="For mature organisations that steward open data anyone can access and use.",
)

THIRD_SLUG = "2022-cohort-3"
THIRD_NAME = "Third cohort: data collaborations, Global South first"
THIRD_FOCUS = "data collaborations, with priority for the Global South"
THIRD_DESCRIPTION = (
    "The third cohort answers what the second taught us: the network needs more voices from "
    "the Global South. It welcomes data collaborations of every size and sector, and gives "
    "priority to organisations based in the Global South."
)
THIRD_CAPACITY = 8
THIRD_BUDGET = Decimal("160000.00")
THIRD_CALL_SLUG = "2022-cohort-3-open-call"
THIRD_CALL_TITLE = "Open call: third cohort of the Peer Learning Network"
THIRD_CALL_SUMMARY = (
    "Up to £20,000 for data collaborations, for six months of peer learning. "
    "Organisations in the Global South are especially welcome."
)
THIRD_CALL_DESCRIPTION = """\
We are looking for **data collaborations** to join the third cohort of the Peer Learning
Network, run by the ODI in partnership with Microsoft.

For this call, a data collaboration:

- involves companies, research institutions, non-profits and/or government bodies;
- addresses a clear societal, economic or environmental challenge;
- works to make its data as open as possible (collaborations with privacy or commercial
  restrictions are encouraged to apply);
- aims to show more access to, or more meaningful use of, data.

Participants receive up to £20,000 for their time over six months, guidance from the ODI and
Microsoft on technical approaches and governance, and a group of peers facing the same
challenges. As the second cohort showed, the network needs more voices from the Global South:
we give them priority.
"""


@dataclass(frozen=True)
class OrgFacts:
    slug: str
    name: str
    kind: str
    country: str
    website: str = ""


# Keyed by the collaboration (first cohort) or organisation (second) as the seeds name it.
FIRST_COHORT_FACTS: dict[str, OrgFacts] = {
    "Data Cargo": OrgFacts("data-cargo", "Data Cargo", "company", "GB"),
    "Caring for Equality in Buenos Aires’ Labour Market": OrgFacts(
        "open-data-charter", "Open Data Charter", "non_profit", "AR", "https://opendatacharter.net"
    ),
    "MaaS-Peer": OrgFacts("its-norway", "ITS Norway", "non_profit", "NO"),
    "Open data for Non-communicable Diseases": OrgFacts("ikure", "iKure", "company", "IN"),
    "Packaging reuse data": OrgFacts("reath", "Reath", "company", "GB"),
    "Shanghai FinTech Innovation Data Collaboration": OrgFacts(
        "open-data-china", "Open Data China", "research", "CN"
    ),
}

SECOND_COHORT_FACTS: dict[str, OrgFacts] = {
    "Global Biodiversity Information Facility (GBIF)": OrgFacts(
        "gbif",
        "Global Biodiversity Information Facility (GBIF)",
        "research",
        "DK",
        "https://www.gbif.org",
    ),
    "MetaBrainz Foundation": OrgFacts(
        "metabrainz-foundation",
        "MetaBrainz Foundation",
        "non_profit",
        "US",
        "https://metabrainz.org",
    ),
    "Open Apparel Registry": OrgFacts(
        "open-apparel-registry",
        "Open Apparel Registry",
        "non_profit",
        "US",
        "https://openapparel.org",
    ),
    "Open Contracting Partnership": OrgFacts(
        "open-contracting-partnership",
        "Open Contracting Partnership",
        "non_profit",
        "US",
        "https://www.open-contracting.org",
    ),
    "OpenStreetMap Foundation": OrgFacts(
        "openstreetmap-foundation",
        "OpenStreetMap Foundation",
        "non_profit",
        "GB",
        "https://osmfoundation.org",
    ),
    "Wikimedia Foundation": OrgFacts(
        "wikimedia-foundation",
        "Wikimedia Foundation",
        "non_profit",
        "US",
        "https://wikimediafoundation.org",
    ),
    "WikiRate": OrgFacts("wikirate", "WikiRate", "non_profit", "DE", "https://wikirate.org"),
}

# Used when the seed texts are not beside the repository (an installed package, say).
FIRST_COHORT_FALLBACK: list[tuple[str, str]] = [
    (
        "Data Cargo",
        "Sensor data from eCargo bikes that helps city transport planners design "
        "better urban environments, shared through a trusted aggregation process between "
        "companies in local delivery.",
    ),
    ("Caring for Equality in Buenos Aires’ Labour Market", "Open Data Charter"),
    ("MaaS-Peer", "ITS Norway"),
    ("Open data for Non-communicable Diseases", "iKure"),
    ("Packaging reuse data", "Reath and Zero Waste Scotland"),
    ("Shanghai FinTech Innovation Data Collaboration", "Open Data China"),
]
SECOND_COHORT_FALLBACK: list[tuple[str, str]] = [
    (name, "An established organisation that stewards open data anyone can access, use and share.")
    for name in SECOND_COHORT_FACTS
]
