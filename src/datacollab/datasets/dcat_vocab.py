"""The controlled vocabularies our DCAT feeds use, kept as data: the EU Publications Office's
authority tables (frequency, access right, data theme), SPDX and vCard namespaces, and how our
own words map onto them.

Sources: https://op.europa.eu/en/web/eu-vocabularies (the authority tables, CC BY 4.0) and the
DCAT-AP 3.0.0 specification, which names them. A value from these tables carries
`skos:inScheme <table>` in the feed, as DCAT-AP's controlled-vocabulary shapes ask.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef

from datacollab.datasets.models import Spectrum

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
AUTHORITY = "http://publications.europa.eu/resource/authority/"
FREQUENCY = Namespace(AUTHORITY + "frequency/")
ACCESS_RIGHT = Namespace(AUTHORITY + "access-right/")
DATA_THEME = Namespace(AUTHORITY + "data-theme/")
# The tables themselves (skos:ConceptScheme), named without the trailing slash.
FREQUENCY_SCHEME = URIRef(AUTHORITY + "frequency")
ACCESS_RIGHT_SCHEME = URIRef(AUTHORITY + "access-right")
DATA_THEME_SCHEME = URIRef(AUTHORITY + "data-theme")

FREQUENCIES = {
    "continuous": "UPDATE_CONT",
    "real-time": "UPDATE_CONT",
    "realtime": "UPDATE_CONT",
    "hourly": "HOURLY",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "annually": "ANNUAL",
    "annual": "ANNUAL",
    "yearly": "ANNUAL",
    "irregular": "IRREG",
    "never": "NEVER",
}

ACCESS_RIGHTS = {
    Spectrum.OPEN: "PUBLIC",
    Spectrum.PUBLIC: "RESTRICTED",
    Spectrum.GROUP: "RESTRICTED",
    Spectrum.NAMED: "RESTRICTED",
    Spectrum.CLOSED: "NON_PUBLIC",
}

# The EU data theme table (its English labels, which DCAT-AP asks concepts to carry).
DATA_THEMES = {
    "AGRI": "Agriculture, fisheries, forestry and food",
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "ENER": "Energy",
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "HEAL": "Health",
    "INTR": "International issues",
    "JUST": "Justice, legal system and public safety",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TECH": "Science and technology",
    "TRAN": "Transport",
}

# Our themes are free words; these are the ones that name an EU theme. A theme not here keeps
# only its own concept: no EU theme is guessed.
THEME_WORDS = {
    "agriculture": "AGRI",
    "fisheries": "AGRI",
    "food": "AGRI",
    "forestry": "AGRI",
    "economy": "ECON",
    "finance": "ECON",
    "credit": "ECON",
    "trade": "ECON",
    "education": "EDUC",
    "culture": "EDUC",
    "music": "EDUC",
    "sport": "EDUC",
    "energy": "ENER",
    "environment": "ENVI",
    "climate": "ENVI",
    "biodiversity": "ENVI",
    "circular economy": "ENVI",
    "waste": "ENVI",
    "government": "GOVE",
    "public sector": "GOVE",
    "health": "HEAL",
    "international": "INTR",
    "justice": "JUST",
    "public safety": "JUST",
    "cities": "REGI",
    "regions": "REGI",
    "urban": "REGI",
    "population": "SOCI",
    "society": "SOCI",
    "labour": "SOCI",
    "employment": "SOCI",
    "gender equality": "SOCI",
    "science": "TECH",
    "technology": "TECH",
    "research": "TECH",
    "transport": "TRAN",
    "mobility": "TRAN",
    "logistics": "TRAN",
}


def eu_themes(themes: list[str]) -> list[str]:
    """The EU data theme codes our themes name, in the order first named, each once."""
    codes: list[str] = []
    for theme in themes:
        code = THEME_WORDS.get(" ".join(str(theme).lower().split()))
        if code and code not in codes:
            codes.append(code)
    return codes
