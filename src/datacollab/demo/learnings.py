"""Learnings and resources of the demo.

The second cohort's learnings come from its four roundtables (see `roundtables.py`) and from
what the seed text says the network learnt; each is credited to the organisations whose
experience it is and tagged with the roundtable's theme. Some are public, some for the cohort
only, one is still a draft of the demo participant's (GBIF), to publish. The texts are written
for the demo from the seed's account; they are not quotations.

Resources: the posts, video and podcast the seed names for each roundtable (linked through a
search of the ODI's site for their titles, rather than guessed addresses), guidance and tools
for the library, and two small files written here (a template, and cohort-only notes).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils.text import slugify

from datacollab.collaborations.models import DataCollaboration
from datacollab.core import audit
from datacollab.demo import content
from datacollab.demo.people import email
from datacollab.demo.roundtables import (
    GBIF,
    METABRAINZ,
    OAR,
    OCP,
    OSMF,
    ROUNDTABLES,
    STEWARDS,
    WIKIMEDIA,
    WIKIRATE,
)
from datacollab.demo.rows import upsert
from datacollab.events.models import Session
from datacollab.learnings.models import Learning, Resource, Tag, Visibility
from datacollab.network.models import Cohort
from datacollab.organisations.models import Organisation, User

LONDON = ZoneInfo("Europe/London")
RT = {rt.theme: rt.slug for rt in ROUNDTABLES}
PUBLIC = Visibility.PUBLIC
COHORT = Visibility.COHORT


def odi_search(title: str) -> str:
    return f"https://theodi.org/?s={quote_plus(title)}"


@dataclass(frozen=True)
class LearningSpec:
    slug: str
    title: str
    body: str
    author: str  # local part of a demo email
    contributors: tuple[str, ...]
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    visibility: str = COHORT
    session: str = ""  # a roundtable's theme (its key in RT)
    cohort: str = content.SECOND.slug
    collaboration: str = ""
    published_days_after: int | None = 7  # None: a draft
    base_day: str = ""  # ISO date when not from a session


LEARNINGS = [
    LearningSpec(
        slug="tell-impact-through-users-stories",
        title="Tell impact through users’ stories, not download counts",
        body="""\
Counting downloads and API calls is easy and says little about lives changed. Funders and
boards were more convinced by **a few well-told stories of users**, in their own words, than by
usage dashboards.

- Keep a running list of who builds on your data, and ask them for one paragraph each year.
- Pair each story with one number the user chose, not one you chose.
""",
        author=OAR,
        contributors=(OAR, METABRAINZ),
        themes=("value-and-impact",),
        tags=("impact measurement",),
        visibility=PUBLIC,
        session="value-and-impact",
    ),
    LearningSpec(
        slug="map-who-builds-on-your-open-data",
        title="The impact of open data is mostly indirect: map who builds on you",
        body="""\
Most of the value of open metadata and maps reaches people through products that never name
the source. Before trying to measure impact, **map the chain of reuse**: direct users,
the products they build, and the people those products serve.
""",
        author=METABRAINZ,
        contributors=(METABRAINZ, OSMF),
        themes=("value-and-impact",),
        tags=("reuse",),
        session="value-and-impact",
    ),
    LearningSpec(
        slug="keep-community-and-legal-entity-distinct",
        title="Keep the community and the legal entity distinct, and say so",
        body="""\
All three governance models discussed separate **the data and its community** from **the
organisation that holds the servers and the money**. Writing that separation down (who decides
what about the data, and what the organisation may not decide) prevented conflicts later.
""",
        author=WIKIMEDIA,
        contributors=(GBIF, OSMF, WIKIMEDIA),
        themes=("governance-model",),
        tags=("community",),
        visibility=PUBLIC,
        session="governance-model",
    ),
    LearningSpec(
        slug="plan-succession-for-volunteer-roles",
        title="Plan succession for volunteer roles before you need it",
        body="""\
Working groups and committees carry much of a volunteer-run foundation's work. When one person
leaves, knowledge leaves with them. Give every volunteer role a named deputy and a one-page
handover note, reviewed each year.
""",
        author=OSMF,
        contributors=(OSMF,),
        themes=("governance-model",),
        tags=("volunteers",),
        session="governance-model",
    ),
    LearningSpec(
        slug="charge-for-service-levels-not-for-data",
        title="Charge for service levels, never for the data",
        body="""\
Revenue that keeps data open comes from **what commercial users need beyond the data**:
reliability, freshness, volume, support, a contract. An enterprise API tier, a live feed or a
service-level agreement can be paid for while the same data stays under an open licence for
everyone (the *open* end of the Data Spectrum).
""",
        author=WIKIMEDIA,
        contributors=(WIKIMEDIA, METABRAINZ),
        themes=("sustainable-business-model",),
        tags=("pricing", "open licences"),
        visibility=PUBLIC,
        session="sustainable-business-model",
    ),
    LearningSpec(
        slug="publish-who-pays-you-and-for-what",
        title="Publish who pays you, and for what",
        body="""\
Paying customers raise a fair question: do they buy influence over the data? Publishing the
list of supporters and what each pays for answered it better than any policy statement, and
kept the tool neutral in the eyes of every side that uses it.
""",
        author=METABRAINZ,
        contributors=(METABRAINZ, OAR),
        themes=("sustainable-business-model", "trust-and-privacy"),
        tags=("transparency",),
        visibility=PUBLIC,
        session="sustainable-business-model",
    ),
    LearningSpec(
        slug="income-shares-compared-in-confidence",
        title="Income by source: what we compared in confidence",
        body="""\
The primary contributors shared rough shares of income by source in the room, on the
understanding that the numbers stay there. The pattern, for the cohort only:

- no organisation relied on a single source for more than about two thirds of its income;
- earned income grew fastest where a paid service tier sat beside free access;
- grant funding paid for new work, rarely for running what already exists.
""",
        author="convener",
        contributors=(WIKIMEDIA, METABRAINZ, OAR),
        themes=("sustainable-business-model",),
        tags=("funding",),
        session="sustainable-business-model",
    ),
    LearningSpec(
        slug="shared-standards-multiply-tools",
        title="Shared standards multiply the tools users can pick up",
        body="""\
A data standard turns one publisher's users into every publisher's users: a tool written for
one government's contracts, or one collection's species records, works for all of them.
Invest in the standard's documentation and validator as much as in your own portal.
""",
        author=OCP,
        contributors=(OCP, GBIF),
        themes=("accessibility-to-users", "data-quality"),
        tags=("standards",),
        visibility=PUBLIC,
        session="accessibility-to-users",
    ),
    LearningSpec(
        slug="volunteer-researchers-become-users",
        title="Volunteers who research the data become its best users",
        body="""\
Students and volunteers who answer research questions about company disclosures learn the data
deeply, and go on to use it in their studies and jobs. Designing contribution tasks as
**learning paths** grew both the data and its community of users.
""",
        author=WIKIRATE,
        contributors=(WIKIRATE,),
        themes=("accessibility-to-users",),
        tags=("volunteers",),
        session="accessibility-to-users",
    ),
    LearningSpec(
        slug="cite-every-download",
        title="Cite every download, so publishers see their data used",
        body="""\
Giving each download a persistent identifier that papers can cite lets us show every data
publisher where their data was used. It answers the publishers' first question — *is anyone
using this?* — and keeps them publishing.

*Draft: to check with colleagues before publishing.*
""",
        author=GBIF,
        contributors=(GBIF,),
        themes=("accessibility-to-users", "value-and-impact"),
        tags=("citation",),
        visibility=PUBLIC,
        session="accessibility-to-users",
        published_days_after=None,
    ),
    LearningSpec(
        slug="convene-organisations-bound-by-a-common-role",
        title="Convene organisations bound by a common role",
        body="""\
There is no one-size-fits-all approach to open data stewardship, yet seven organisations that
share the *role* of steward found many shared challenges and common approaches. Participants
learnt from the people as much as from the organisations, and kept in touch one-to-one after
the network ended.
""",
        author="convener",
        contributors=tuple(STEWARDS),
        themes=("value-and-impact",),
        tags=("peer learning",),
        visibility=PUBLIC,
        base_day="2022-03-31",
        published_days_after=0,  # on the last day, so the report of that day holds it
    ),
    LearningSpec(
        slug="roundtables-and-reflective-questions",
        title="Roundtables with reflective questions suit mature organisations",
        body="""\
The second network moved from support and workshops to **roundtables and shared learnings**.
Reflective questions, sent ahead and answered in the room, let participants ask about the
factors that shape their work. Some participants went on to start peer-learning networks of
their own.
""",
        author="convener",
        contributors=(),
        tags=("peer learning", "roundtables"),
        visibility=PUBLIC,
        base_day="2022-03-31",
        published_days_after=0,  # on the last day, so the report of that day holds it
    ),
    LearningSpec(
        slug="recruit-from-the-global-south-on-purpose",
        title="Recruit from the Global South on purpose",
        body="""\
Every participating organisation works globally, yet everyone who took part came from
predominantly white, northern-hemisphere countries. Choosing for maturity reproduced the
geographic data divide. The next cohort must prioritise organisations in the Global South from
the call onwards, not hope they apply.
""",
        author="convener",
        contributors=(),
        themes=("diversity-and-inclusion",),
        tags=("global south",),
        visibility=PUBLIC,
        base_day="2022-03-31",
        published_days_after=0,  # on the last day, so the report of that day holds it
    ),
    LearningSpec(
        slug="aggregate-before-you-share",
        title="Aggregate before you share: trust between competing firms",
        body="""\
Delivery firms that compete for the same customers agreed to pool their eCargo-bike sensor data
only once **nobody, including the steward, would see another firm's trips**: planners get
aggregates with small counts suppressed. The agreement's purposes (transport planning and
research, no commercial use) mattered as much as the technique.
""",
        author="data-cargo",
        contributors=("data-cargo",),
        themes=("trust-and-privacy",),
        tags=("aggregation",),
        visibility=PUBLIC,
        cohort=content.FIRST.slug,
        collaboration="data-cargo",
        base_day="2021-05-20",
    ),
]


@dataclass(frozen=True)
class ResourceSpec:
    slug: str
    title: str
    kind: str
    description: str
    url: str = ""
    session: str = ""  # a roundtable's theme
    cohort: str = ""
    visibility: str = PUBLIC
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    file_name: str = ""
    file_text: str = ""


RESOURCES = [
    ResourceSpec(
        slug="stewards-of-open-data-what-impact-have-they-had",
        title="Stewards of open data: what impact have they had?",
        kind=Resource.Kind.BLOG_POST,
        description="The ODI's summary of the first roundtable's key points, with video clips.",
        url=odi_search("Stewards of open data: what impact have they had?"),
        session="value-and-impact",
        themes=("value-and-impact",),
    ),
    ResourceSpec(
        slug="value-and-impact-roundtable-video-clips",
        title="Video clips: the value and impact roundtable",
        kind=Resource.Kind.VIDEO,
        description="Clips of the primary contributors, published with the ODI's blog post.",
        url=odi_search("Stewards of open data video"),
        session="value-and-impact",
        themes=("value-and-impact",),
    ),
    ResourceSpec(
        slug="effective-organisational-governance-for-open-data-organisations",
        title="What does effective organisational governance look like for open data "
        "organisations?",
        kind=Resource.Kind.BLOG_POST,
        description="A graphic representation and summary of the governance structures of the "
        "second roundtable's contributors.",
        url=odi_search("effective organisational governance open data organisations"),
        session="governance-model",
        themes=("governance-model",),
    ),
    ResourceSpec(
        slug="sustainable-business-model-without-compromising-open-data",
        title="Developing a sustainable business model without compromising commitments to "
        "open data",
        kind=Resource.Kind.BLOG_POST,
        description="The three contributors' business models, unpacked with the Sustainable "
        "Data Access workbook.",
        url=odi_search("sustainable business model without compromising open data"),
        session="sustainable-business-model",
        themes=("sustainable-business-model",),
    ),
    ResourceSpec(
        slug="importance-of-community-engagement-podcast",
        title="The importance of community engagement to data collaborations",
        kind=Resource.Kind.PODCAST,
        description="Podcast: the key points each organisation made in the final roundtable.",
        url=odi_search("importance of community engagement to data collaborations"),
        session="accessibility-to-users",
        themes=("accessibility-to-users",),
    ),
    ResourceSpec(
        slug="the-data-spectrum",
        title="The Data Spectrum",
        kind=Resource.Kind.GUIDANCE,
        description="The ODI's spectrum from closed to shared to open data: the vocabulary "
        "this platform uses for access levels.",
        url=odi_search("The Data Spectrum"),
        themes=("accessibility-to-users",),
        tags=("open data",),
    ),
    ResourceSpec(
        slug="sustainable-data-access-workbook",
        title="Sustainable Data Access workbook",
        kind=Resource.Kind.TOOL,
        description="A workbook for finding the revenue and financial models that keep access "
        "to data sustainable; used in the third roundtable.",
        url=odi_search("Sustainable Data Access"),
        themes=("sustainable-business-model",),
    ),
    ResourceSpec(
        slug="peer-learning-network-what-we-learnt",
        title="Peer-learning network: who took part and what we learnt",
        kind=Resource.Kind.LITERATURE,
        description="The ODI's account of the second network (October 2021 – March 2022): "
        "the seven stewards, the four roundtables, and three lessons.",
        url=odi_search("peer-learning network open data stewards what we learnt"),
        themes=("diversity-and-inclusion",),
        tags=("peer learning",),
    ),
    ResourceSpec(
        slug="roundtable-reflection-template",
        title="Roundtable reflection template",
        kind=Resource.Kind.TEMPLATE,
        description="A one-page template for primary contributors: the questions to answer "
        "before a roundtable, in Markdown.",
        tags=("roundtables", "peer learning"),
        file_name="roundtable-reflection-template.md",
        file_text="""\
# Roundtable reflection

**Organisation:**
**Roundtable:**

## Our context in three sentences

## The reflective questions
1.
2.
3.

## One thing we would like the others to tell us

## One learning we are willing to publish
""",
    ),
    ResourceSpec(
        slug="revenue-roundtable-notes-for-the-cohort",
        title="Revenue roundtable: notes for the cohort",
        kind=Resource.Kind.FILE,
        description="The convener's notes of the third roundtable, for its participants only.",
        session="sustainable-business-model",
        cohort=content.SECOND.slug,
        visibility=COHORT,
        themes=("sustainable-business-model",),
        file_name="revenue-roundtable-notes.md",
        file_text="""\
# Revenue roundtable — notes for the cohort

- Paid tiers sit beside free access; none of the contributors charges for the data itself.
- Supporters are listed publicly by two of the three contributors.
- Next step agreed: share pricing pages with each other before the final roundtable.
""",
    ),
]


def ensure_learnings(
    *, convener: User, sessions: dict[str, Session]
) -> tuple[dict[str, Learning], dict[str, Resource]]:
    """Run inside the loader's transaction, after the cohorts, collaborations and sessions.

    `sessions` maps roundtable slugs to their sessions."""
    by_theme = {rt.theme: sessions[rt.slug] for rt in ROUNDTABLES}
    tags = _tags()
    cohorts = Cohort.objects.in_bulk([content.FIRST.slug, content.SECOND.slug], field_name="slug")
    orgs = Organisation.objects.in_bulk(
        sorted({o for spec in LEARNINGS for o in spec.contributors}), field_name="slug"
    )
    authors = {
        u.email.split("@", 1)[0]: u
        for u in User.objects.filter(email__in=[email(s.author) for s in LEARNINGS])
    }
    collaborations = DataCollaboration.objects.in_bulk(
        [s.collaboration for s in LEARNINGS if s.collaboration], field_name="slug"
    )
    learnings, created = upsert(
        Learning,
        key=("slug",),
        rows=[
            _learning_row(spec, cohorts, authors, by_theme, collaborations) for spec in LEARNINGS
        ],
        existing=Learning.objects.filter(slug__in=[s.slug for s in LEARNINGS]),
    )
    rows = {slug: learning for (slug,), learning in learnings.items()}
    _links(
        Learning.tags.through,
        "learning_id",
        "tag_id",
        [(rows[s.slug].pk, tags[t].pk) for s in LEARNINGS for t in (*s.themes, *s.tags)],
    )
    _links(
        Learning.contributors.through,
        "learning_id",
        "organisation_id",
        [(rows[s.slug].pk, orgs[o].pk) for s in LEARNINGS for o in s.contributors if o in orgs],
    )
    for learning in sorted(created, key=lambda row: row.slug):
        if learning.status == Learning.Status.PUBLISHED:
            audit.record(
                action="learning.published",
                actor=learning.author,
                obj=learning,
                details={
                    "cohort": learning.cohort.slug,
                    "slug": learning.slug,
                    "visibility": learning.visibility,
                    "source": "demo",
                },
            )
    resources = _resources(convener=convener, by_theme=by_theme, tags=tags, cohorts=cohorts)
    return rows, resources


def _tags() -> dict[str, Tag]:
    names = sorted({t for s in LEARNINGS for t in s.tags} | {t for s in RESOURCES for t in s.tags})
    themes = {t.slug: t for t in Tag.objects.filter(is_theme=True)}
    custom, _created = upsert(
        Tag,
        key=("slug",),
        rows=[{"slug": slugify(name), "name": name} for name in names],
        existing=Tag.objects.filter(slug__in=[slugify(n) for n in names]),
    )
    return {**themes, **{name: custom[(slugify(name),)] for name in names}}


def _published_at(spec: LearningSpec, by_theme: dict[str, Session]) -> datetime | None:
    if spec.published_days_after is None:
        return None
    if spec.session:
        day = by_theme[spec.session].starts_at.astimezone(LONDON).date()
    else:
        day = datetime.fromisoformat(spec.base_day).date()
    return datetime.combine(day + timedelta(days=spec.published_days_after), time(10), LONDON)


def _learning_row(
    spec: LearningSpec,
    cohorts: dict[str, Cohort],
    authors: dict[str, User],
    by_theme: dict[str, Session],
    collaborations: dict[str, DataCollaboration],
) -> dict[str, object]:
    published_at = _published_at(spec, by_theme)
    collaboration = collaborations.get(spec.collaboration) if spec.collaboration else None
    return {
        "slug": spec.slug,
        "title": spec.title,
        "body": spec.body,
        "cohort_id": cohorts[spec.cohort].pk,
        "session_id": by_theme[spec.session].pk if spec.session else None,
        "collaboration_id": collaboration.pk if collaboration else None,
        "visibility": spec.visibility,
        "status": Learning.Status.PUBLISHED if published_at else Learning.Status.DRAFT,
        "published_at": published_at,
        "author_id": authors[spec.author].pk,
    }


def _links(through: type, left: str, right: str, pairs: list[tuple[int, int]]) -> None:
    """Add the demo's many-to-many links; links people added in the demo stay."""
    upsert(
        through,  # type: ignore[type-var]
        key=(left, right),
        rows=[{left: a, right: b} for a, b in dict.fromkeys(pairs)],
        existing=through._default_manager.filter(  # type: ignore[attr-defined]
            **{f"{left}__in": sorted({a for a, _b in pairs})}
        ),
    )


def _resources(
    *,
    convener: User,
    by_theme: dict[str, Session],
    tags: dict[str, Tag],
    cohorts: dict[str, Cohort],
) -> dict[str, Resource]:
    existing = Resource.objects.in_bulk([s.slug for s in RESOURCES], field_name="slug")
    rows: dict[str, Resource] = {}
    for spec in RESOURCES:
        session = by_theme[spec.session] if spec.session else None
        values = {
            "title": spec.title,
            "kind": spec.kind,
            "description": spec.description,
            "url": spec.url,
            "session": session,
            "cohort": cohorts[spec.cohort] if spec.cohort else None,
            "visibility": spec.visibility,
        }
        resource = existing.get(spec.slug)
        if resource is None:
            resource = Resource(slug=spec.slug, added_by=convener, **values)
            if spec.file_name:
                # Written once, when the resource is first made; under a random folder as an
                # upload would be.
                resource.file.save(
                    f"{secrets.token_urlsafe(16)}/{spec.file_name}",
                    ContentFile(spec.file_text.encode()),
                    save=False,
                )
            resource.save()
        else:
            changed = [name for name, value in values.items() if getattr(resource, name) != value]
            if changed:
                for name in changed:
                    setattr(resource, name, values[name])
                resource.save(update_fields=changed)
        rows[spec.slug] = resource
    _links(
        Resource.tags.through,
        "resource_id",
        "tag_id",
        [(rows[s.slug].pk, tags[t].pk) for s in RESOURCES for t in (*s.themes, *s.tags)],
    )
    return rows
