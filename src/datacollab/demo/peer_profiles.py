"""What each demo organisation works on, in its own words: its contact's profile (expertise,
languages, about) and, for the synthetic current cohort, its organisation description.

Why this exists (issue 13): the seeds describe each organisation in one line, and the second
cohort's published learnings were co-written within the cohort, so peer matching had nothing
to link an organisation with another cohort and suggested GBIF its own cohort. These profiles
carry the specific subjects the programme's organisations share across cohorts: citizen
science, environmental monitoring, data standards, persistent identifiers, company data,
public transport, gender equality, health information. Facts are those the organisations
state publicly about their work (GBIF's occurrence records and Darwin Core, the Open
Contracting Data Standard, MusicBrainz identifiers...); the current cohort is synthetic.

Profiles are seen by everyone logged in, so their words can be shown as reasons for a match.
Written after every other part of the demo, so no earlier `People.ensure` blanks them.
"""

from __future__ import annotations

from dataclasses import dataclass

from datacollab.core import working_languages
from datacollab.demo import current
from datacollab.demo.people import email
from datacollab.organisations.models import Organisation, User


@dataclass(frozen=True)
class PeerProfile:
    expertise: str
    languages: str
    bio: str


PROFILES: dict[str, PeerProfile] = {
    # Second cohort (open data stewards, 2021-2022).
    "gbif": PeerProfile(
        "biodiversity occurrence records, Darwin Core standard, taxonomic backbone, "
        "citizen science, environmental monitoring",
        "English, Danish, Spanish",
        "GBIF publishes more than two billion species occurrence records from museums, "
        "research institutes and citizen science platforms, shared through the Darwin Core "
        "data standard and matched against the GBIF taxonomic backbone. Persistent "
        "identifiers and data citation give publishers credit when researchers reuse their "
        "records for environmental monitoring and conservation policy.",
    ),
    "metabrainz-foundation": PeerProfile(
        "music metadata, persistent identifiers, live data feed, volunteer editors",
        "English, German",
        "MusicBrainz gives every recording, release and artist a persistent identifier that "
        "streaming services and broadcasters resolve against. Volunteer editors maintain the "
        "metadata under an open licence; commercial customers such as broadcasters pay for "
        "the live data feed and an API with service-level agreements, which fund the "
        "service for everyone.",
    ),
    "open-apparel-registry": PeerProfile(
        "supply chain transparency, facility identifiers, company data, labour rights",
        "English, Bengali",
        "Maps garment factories worldwide and gives each facility a unique identifier, so "
        "brands, retailers, trade unions and researchers can match supplier lists. Labour "
        "rights groups trace working conditions along the supply chain, and brands publish "
        "their supplier lists as company data anyone can check.",
    ),
    "open-contracting-partnership": PeerProfile(
        "public procurement, Open Contracting Data Standard, anti-corruption, company data, "
        "beneficial ownership",
        "English, Spanish, French",
        "Stewards the Open Contracting Data Standard, which governments use to publish public "
        "procurement from planning to delivery. Works with journalists and civil society on "
        "anti-corruption, linking contracts to company data and beneficial ownership "
        "registers, and with small firms that want a fair chance at government contracts.",
    ),
    "openstreetmap-foundation": PeerProfile(
        "geospatial data, volunteer mappers, street maps, humanitarian mapping, public transport "
        "routes",
        "English, German, French",
        "Millions of volunteer mappers keep a free street map of the world, used for routing, "
        "cycle lanes, public transport routes and humanitarian mapping after floods and "
        "earthquakes. The foundation looks after the licence, the servers and the legal side; "
        "local chapters run mapping parties.",
    ),
    "wikirate": PeerProfile(
        "ESG company disclosures, corporate accountability, gender pay gap, emissions",
        "English, German",
        "Volunteers and students research what companies disclose about environmental, social "
        "and governance performance: greenhouse gas emissions, gender pay gap reporting, modern "
        "slavery statements and supplier lists. The answers form a registry of company data "
        "that investors and campaigners compare across sectors.",
    ),
    "wikimedia-foundation": PeerProfile(
        "Wikidata, multilingual content, knowledge gaps, health information in local languages",
        "English, Spanish, Hindi",
        "Wikipedia and Wikidata are written by volunteer editors in more than 300 languages. "
        "Closing knowledge gaps is a priority: the gender gap among biographies, and reliable "
        "health information in local languages for readers in rural areas. Wikidata's "
        "persistent identifiers link to registries of species, music, companies and places.",
    ),
    # First cohort (data collaborations, 2020-2021).
    "data-cargo": PeerProfile(
        "eCargo bike sensors, urban logistics, trusted aggregation, transport planning",
        "English",
        "Fits sensors to the eCargo bikes of local delivery firms and pools their trips through "
        "a trusted aggregation process; borough transport planners get counts by zone for "
        "loading bays, cycle lanes and street maps.",
    ),
    "its-norway": PeerProfile(
        "Mobility as a Service, public transport timetables, mobility data standards, "
        "real-time availability",
        "Norwegian, English",
        "Brings transport operators in Norway to exchange public transport timetables, "
        "real-time availability and bookings through mobility data standards (NeTEx, GTFS), "
        "and a live data feed with an API and service-level agreements that commercial journey "
        "planners pay for, so they can sell a whole trip across operators.",
    ),
    "open-data-charter": PeerProfile(
        "gender equality, labour market indicators, equal pay, open data policy, anti-corruption",
        "Spanish, English",
        "Works with the City of Buenos Aires on comparable indicators of employment, pay and "
        "unpaid care by sex, closing the gender pay gap, and helps governments adopt open data "
        "policy for gender equality and anti-corruption.",
    ),
    "open-data-china": PeerProfile(
        "SME lending, financial data, company data, trusted data sharing",
        "Chinese, English",
        "Helps small firms in Shanghai borrow by combining tax, utility and company data in a "
        "trusted way, so lenders can assess small and medium enterprises without seeing their "
        "raw records.",
    ),
    "reath": PeerProfile(
        "reusable packaging, circular economy, open data standard for reuse, retailers",
        "English",
        "Wrote a data standard for reuse events with Zero Waste Scotland, so reusable packaging "
        "schemes, retailers and brands count return rates the same way and report the waste "
        "avoided along their supply chain.",
    ),
    "ikure": PeerProfile(
        "non-communicable disease screening, rural health, community health workers",
        "Bengali, Hindi, English",
        "Community health workers screen for hypertension and diabetes in rural and "
        "peri-urban India; screening counts reach researchers and district health planners "
        "without exposing patients, and health information reaches people in local languages.",
    ),
    # The synthetic current cohort (see demo/current.py).
    "lagos-urban-mobility": PeerProfile(
        "informal public transport, minibus routes, street mapping, GTFS timetables",
        "English, Yoruba",
        "Maps the routes of Lagos's danfo minibuses with volunteer mappers and drivers' "
        "phones, and publishes them as GTFS public transport timetables so transport planners "
        "and journey planners can see the whole network.",
    ),
    "bogota-air-quality": PeerProfile(
        "air quality sensors, citizen science, environmental monitoring, respiratory health",
        "Spanish, English",
        "Pools low-cost air quality sensors run by citizen science groups with the city's "
        "reference stations; a data trust sets who may read readings near homes and "
        "schools. Researchers relate vehicle emissions to respiratory health.",
    ),
    "leeds-flood-data": PeerProfile(
        "flood risk, river level sensors, citizen science flood reports, environmental monitoring",
        "English",
        "Joins river level sensors, the council's drainage records and residents' citizen "
        "science flood reports into one picture of flood risk for emergency response. After "
        "storms, volunteer mappers map flooded streets for environmental monitoring.",
    ),
}

# People beside the contacts: the current cohort's participant, so that her "people who share
# your expertise" shows matches rather than an empty profile.
PERSON_PROFILES: dict[str, PeerProfile] = {
    current.PARTICIPANT.email: PeerProfile(
        "minibus route mapping, GTFS timetables, community mapping with drivers",
        "French, English, Yoruba",
        "Coordinates the volunteer mappers who ride Lagos's danfo minibuses and record their "
        "routes and stops, and turns the traces into GTFS public transport timetables.",
    ),
}

SHOWN_LANGUAGES = [email("expert"), current.PARTICIPANT.email]

# The current cohort's organisations are synthetic: their public description says what they do.
CURRENT_DESCRIPTIONS = {
    "lagos-urban-mobility": "A synthetic data commons of the demo: open maps and GTFS timetables "
    "of Lagos's informal minibus routes, made with volunteer mappers and drivers.",
    "bogota-air-quality": "A synthetic data trust of the demo: citizen science air quality "
    "sensors and reference stations in Bogotá, for environmental monitoring and health research.",
    "leeds-flood-data": "A synthetic partnership of the demo: river level sensors, drainage "
    "records and citizen science flood reports for Leeds's flood risk and emergency response.",
}


def ensure_peer_profiles() -> int:
    """Write each organisation's contact profile (and the current cohort's descriptions);
    returns how many profiles were written. Organisations not loaded are skipped."""
    written = 0
    for slug, profile in PROFILES.items():
        written += User.objects.filter(
            email=email(slug), memberships__organisation__slug=slug
        ).update(
            expertise=profile.expertise,
            working_languages=working_languages.parse(profile.languages)[0],
            bio=profile.bio,
        )
    for address, profile in PERSON_PROFILES.items():
        written += User.objects.filter(email=address).update(
            expertise=profile.expertise,
            working_languages=working_languages.parse(profile.languages)[0],
            bio=profile.bio,
        )
    # The expert and the current participant chose to show the languages they work in, so
    # the directory's "Speaks" filter and the peers' shared-language line can be tried.
    User.objects.filter(email__in=SHOWN_LANGUAGES).update(show_working_languages=True)
    for slug, description in CURRENT_DESCRIPTIONS.items():
        assert any(member.slug == slug for member in current.MEMBERS)
        Organisation.objects.filter(slug=slug).update(description=description)
    return written
