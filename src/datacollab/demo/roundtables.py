"""The second cohort's four roundtables, as the seed text about the 2021–22 network tells them.

Titles, themes, order and primary contributors are the seed's (a test checks them against the
text when it is present). The seed gives no dates: the roundtables were monthly between October
2021 and March 2022, so the dates here are plausible ones (late each month, none in December).
Reflective questions and minutes are written for the demo from the seed's account of each
roundtable; they are a summary in the spirit of the published posts, not a transcript.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

GBIF = "gbif"
METABRAINZ = "metabrainz-foundation"
OAR = "open-apparel-registry"
OCP = "open-contracting-partnership"
OSMF = "openstreetmap-foundation"
WIKIMEDIA = "wikimedia-foundation"
WIKIRATE = "wikirate"
STEWARDS = [GBIF, METABRAINZ, OAR, OCP, OSMF, WIKIMEDIA, WIKIRATE]


@dataclass(frozen=True)
class Roundtable:
    slug: str
    title: str
    theme: str  # the learnings Tag slug of the programme theme
    theme_label: str
    on: date
    contributors: tuple[str, ...]
    description: str
    questions: tuple[str, ...]
    minutes: str
    # Who sent apologies: everyone else attended (primary contributors always did).
    absent: tuple[str, ...] = ()


ROUNDTABLES = [
    Roundtable(
        slug="2021-10-27-value-and-impact-of-open-data",
        title="Value and impact of open data on people’s lives",
        theme="value-and-impact",
        theme_label="Value and impact",
        on=date(2021, 10, 27),
        contributors=(OAR, METABRAINZ, OSMF),
        description=(
            "Setting the tone for why the participating organisations chose to be open data "
            "organisations, the first roundtable unpacks the value and impact of open data on "
            "people’s lives: what impact looks like in our work, the challenges we have found, "
            "and advice for other organisations."
        ),
        questions=(
            "Why did your organisation choose to steward *open* data rather than shared data?",
            "What does impact look like in your work, and whose lives does it reach?",
            "Which story of a user best shows the value of your data?",
            "What have you found hard to measure, and what do you count instead?",
            "What advice would you give an organisation starting to steward open data?",
        ),
        minutes="""\
**Primary contributors:** Open Apparel Registry, MetaBrainz Foundation, OpenStreetMap
Foundation.

- **Impact is mostly indirect.** All three see their value in what others build on their data:
  apps, research, journalism, supply-chain checks. Downloads and API calls are easy to count but
  say little about lives changed.
- **Open Apparel Registry** described how a neutral, open facility ID lets brands, unions and
  researchers talk about the *same* factory; the impact is the conversations it makes possible.
- **MetaBrainz Foundation** stressed that open metadata travels far: much of it reaches people
  through products they never associate with the project.
- **OpenStreetMap Foundation** pointed at humanitarian mapping as the clearest case of impact
  on people's lives, and at the community itself as an outcome.
- **Shared challenge:** telling the impact story to funders without a control group. Case
  studies and users' own words work better than numbers alone.

*Follow-up:* the ODI's blog post *Stewards of open data: what impact have they had?* with video
clips from the session.
""",
        absent=(OCP,),
    ),
    Roundtable(
        slug="2021-11-24-governance-model-for-your-organisation",
        title="Developing the right governance model for your organisation",
        theme="governance-model",
        theme_label="Governance model",
        on=date(2021, 11, 24),
        contributors=(GBIF, OSMF, WIKIMEDIA),
        description=(
            "The second roundtable unpacks the organisational models open data stewards use to "
            "achieve their core value proposition: how each organisation is set up to deliver "
            "it, with attention to team structure, resourcing, leadership and infrastructure."
        ),
        questions=(
            "What is your core value proposition, in one sentence?",
            "How are you set up to deliver it: who decides, who does the work, who pays?",
            "Which infrastructure do you run yourselves, and which do you rely on others for?",
            "Where does your community sit in your governance: advisers, members, owners?",
            "What would you change if you were designing your organisation today?",
        ),
        minutes="""\
**Primary contributors:** GBIF, OpenStreetMap Foundation, Wikimedia Foundation.

- **Three different shapes.** GBIF is an intergovernmental network funded by participating
  governments, with national nodes; the OpenStreetMap Foundation is a small, largely
  volunteer-run foundation supporting a project it does not control; the Wikimedia Foundation
  employs staff to run the infrastructure for independent volunteer communities.
- **Separate the data from the organisation.** All three keep the data and its community
  distinct from the legal entity that holds the servers and the money, and say so publicly.
- **Resourcing follows governance:** government funding brings stability and reporting duties;
  donations bring independence and fundraising work; volunteers bring legitimacy and limits on
  what staff may decide.
- **Leadership:** working groups and committees carry much of the load; succession planning
  for volunteer roles was named as a common gap.

*Follow-up:* the ODI's blog post *What does effective organisational governance look like for
open data organisations?* with a graphic of the structures.
""",
        absent=(WIKIRATE,),
    ),
    Roundtable(
        slug="2022-01-26-sustainable-business-model-open-data",
        title="Developing a sustainable business model without compromising commitments to "
        "open data",
        theme="sustainable-business-model",
        theme_label="Sustainable business model",
        on=date(2022, 1, 26),
        contributors=(METABRAINZ, OAR, WIKIMEDIA),
        description=(
            "The third roundtable unpacks how organisations that steward open data can create "
            "revenue while remaining truly ‘open’, as the ODI’s Data Spectrum describes it: the "
            "variety of revenue and financial models used to deliver open data commitments."
        ),
        questions=(
            "Where does your income come from today, and where would you like it to come from?",
            "Which services can you charge for without closing the data itself?",
            "Who benefits most from your data commercially, and do they contribute?",
            "What would you never charge for?",
            "How do you explain your model to a community that expects everything to be free?",
        ),
        minutes="""\
**Primary contributors:** MetaBrainz Foundation, Open Apparel Registry, Wikimedia Foundation.

- **Charge for service, not for data.** The data stays open; commercial users pay for
  reliability, freshness, support or volume: live data feeds, service-level agreements, an
  enterprise API tier (as Wikimedia Enterprise does).
- **MetaBrainz Foundation** asks large commercial users to support the project in proportion to
  their use, while the data stays under open licences for everyone.
- **Open Apparel Registry** relies on grants and partnerships and weighed which paid services
  would keep the tool neutral in the eyes of brands, suppliers and civil society alike.
- **Transparency protects trust:** publishing who pays, and for what, answers the fear that
  paying customers buy influence over the data.
- The group walked through the ODI's *Sustainable Data Access* workbook together.

*Follow-up:* the ODI's blog post *Developing a sustainable business model without compromising
commitments to open data*.
""",
        absent=(GBIF,),
    ),
    Roundtable(
        slug="2022-02-23-making-data-accessible-to-users",
        title="Making data accessible to a wide community of users",
        theme="accessibility-to-users",
        theme_label="Accessibility to users",
        on=date(2022, 2, 23),
        contributors=(GBIF, OCP, WIKIRATE),
        description=(
            "The final roundtable unpacks how each organisation makes data accessible to "
            "different communities of users: the role stewards play in creating and supporting "
            "access, and how engagement with users can shape data access."
        ),
        questions=(
            "Who are your users, and who would you like them to be?",
            "What stops people who could use your data from using it?",
            "Which formats, tools and standards made the biggest difference to access?",
            "How do users shape what you publish and how?",
            "What do you do for users who will never call an API?",
        ),
        minutes="""\
**Primary contributors:** GBIF, Open Contracting Partnership, WikiRate.

- **Standards widen access.** Shared data standards let tools built for one publisher work for
  all; the Open Contracting Data Standard and biodiversity standards were the examples.
- **GBIF** described how national nodes and data-use training bring new communities of users,
  and how a persistent citation for each download shows publishers their data being used.
- **Open Contracting Partnership** works with governments *and* with the journalists and
  civil society groups who use the data, so publication follows real questions.
- **WikiRate** showed how volunteers and students researching company disclosures become users
  and contributors at once.
- **Accessible is more than downloadable:** documentation, examples, and people to ask matter
  as much as formats.

*Follow-up:* the ODI's podcast *The importance of community engagement to data
collaborations*.
""",
    ),
]
