"""Synthetic applicants to the third cohort's open call: invented organisations, plausible
themes, many countries (40% in the Global South). None of them is a real organisation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Applicant:
    name: str
    kind: str
    country: str
    city: str
    theme: str
    amount: int = 20000
    status: str = "submitted"  # draft, submitted or withdrawn


@dataclass(frozen=True)
class Theme:
    title: str
    challenge: str
    data: str
    spectrum: str
    topics: tuple[str, ...]


SPECTRUM = [
    "Closed (internal only)",
    "Shared with named organisations",
    "Shared with the members of a group",
    "Public, under terms",
    "Open, under an open licence",
]

TOPICS = [
    "Trust and trustworthiness",
    "Governance models",
    "Sustainable business models",
    "Privacy and data protection",
    "Community engagement",
    "Diversity, equity and inclusion",
]

THEMES: dict[str, Theme] = {
    "transport": Theme(
        "Shared mobility data for safer streets",
        "Transport operators, the city and cycling groups each hold part of the picture of "
        "how people move; none can plan safer streets alone.",
        "trip counts, near-miss reports and journey times from operators and sensors",
        SPECTRUM[2],
        (TOPICS[0], TOPICS[3]),
    ),
    "health": Theme(
        "Community clinic data for chronic disease",
        "Clinics, pharmacies and a university track non-communicable diseases separately, so "
        "outbreaks of poor control are seen months late.",
        "anonymised visit counts, prescriptions and screening results",
        SPECTRUM[1],
        (TOPICS[3], TOPICS[0]),
    ),
    "climate": Theme(
        "Open climate-risk data for local adaptation",
        "Flood and heat risk data is scattered across agencies and researchers, and rarely "
        "reaches the neighbourhoods that need it.",
        "sensor readings, flood extents and household survey results",
        SPECTRUM[4],
        (TOPICS[4], TOPICS[1]),
    ),
    "agriculture": Theme(
        "Market price data for smallholder farmers",
        "Farmers sell blind: traders know the prices in the next town, growers do not.",
        "daily prices reported by traders, cooperatives and market officers",
        SPECTRUM[3],
        (TOPICS[2], TOPICS[4]),
    ),
    "energy": Theme(
        "Household energy data for a fair transition",
        "Utilities, installers and councils hold energy data that could target retrofit "
        "and support where it is needed most.",
        "smart-meter aggregates, installation records and grant uptake",
        SPECTRUM[2],
        (TOPICS[3], TOPICS[2]),
    ),
    "gender": Theme(
        "Gender data for equal labour markets",
        "Pay and employment gaps persist because the data that shows them stays locked in "
        "separate registers.",
        "employment registers, survey micro-data and job adverts",
        SPECTRUM[3],
        (TOPICS[5], TOPICS[0]),
    ),
    "procurement": Theme(
        "Open contracting data for public spending",
        "Citizens and journalists cannot follow public money from budget to contract.",
        "tenders, awards and contract implementation records",
        SPECTRUM[4],
        (TOPICS[1], TOPICS[4]),
    ),
    "circular": Theme(
        "Reuse and waste data for a circular economy",
        "Producers, retailers and recyclers cannot measure reuse because each holds one step "
        "of the journey.",
        "packaging identifiers, return counts and waste audits",
        SPECTRUM[2],
        (TOPICS[2], TOPICS[0]),
    ),
    "housing": Theme(
        "Housing condition data for tenants and landlords",
        "Damp, cold homes go unnoticed until tenants fall ill.",
        "sensor readings, repair requests and inspection reports",
        SPECTRUM[1],
        (TOPICS[3], TOPICS[4]),
    ),
    "public_services": Theme(
        "Public service data that people can reuse",
        "Government services publish data nobody can find or trust.",
        "service usage statistics, registers and reference data",
        SPECTRUM[4],
        (TOPICS[1], TOPICS[5]),
    ),
}

# 40 organisations in 37 countries; 16 (40%) in the Global South. Ineligible on purpose:
# three of kind "other" and one asking above the cap. Three drafts, one withdrawn.
APPLICANTS: list[Applicant] = [
    Applicant("Nairobi Mobility Data Trust", "non_profit", "KE", "Nairobi", "transport"),
    Applicant("Lagos Health Data Commons", "non_profit", "NG", "Lagos", "health"),
    Applicant("Accra Waste Pickers Data Cooperative", "other", "GH", "Accra", "circular"),
    Applicant("Bogotá Air Quality Network", "government", "CO", "Bogotá", "climate", 18000),
    Applicant("São Paulo Open Transit Lab", "research", "BR", "São Paulo", "transport"),
    Applicant("Agrodatos Andinos", "company", "PE", "Lima", "agriculture", 15000),
    Applicant("Pune Groundwater Collective", "non_profit", "IN", "Pune", "climate"),
    Applicant("Dhaka Flood Data Partnership", "research", "BD", "Dhaka", "climate"),
    Applicant("Jakarta Informal Work Data Project", "research", "ID", "Jakarta", "gender"),
    Applicant("Manila Disaster Response Data Hub", "government", "PH", "Manila", "climate"),
    Applicant("Kampala Market Prices Collaboration", "company", "UG", "Kampala", "agriculture"),
    Applicant("Cape Town Energy Data Alliance", "non_profit", "ZA", "Cape Town", "energy"),
    Applicant("Mexico City Gender Data Lab", "research", "MX", "Mexico City", "gender", 17500),
    Applicant(
        "Montevideo Public Spending Monitor", "non_profit", "UY", "Montevideo", "procurement"
    ),
    Applicant("Addis Ababa Clinic Data Network", "government", "ET", "Addis Ababa", "health"),
    Applicant("Hanoi Urban Heat Data", "research", "VN", "Hanoi", "climate", status="draft"),
    Applicant("Rotterdam Port Emissions Data Space", "company", "NL", "Rotterdam", "climate"),
    Applicant("Lyon Cycle Logistics Data", "company", "FR", "Lyon", "transport"),
    Applicant("Berlin Tenants' Data Cooperative", "other", "DE", "Berlin", "housing"),
    Applicant("Milan Food Waste Exchange", "company", "IT", "Milan", "circular", 12500),
    Applicant("Barcelona Noise Commons", "government", "ES", "Barcelona", "public_services"),
    Applicant("Helsinki Mobility Data Cooperative", "non_profit", "FI", "Helsinki", "transport"),
    Applicant("Copenhagen Energy Flexibility Data", "company", "DK", "Copenhagen", "energy"),
    Applicant("Vienna Social Housing Data", "government", "AT", "Vienna", "housing"),
    Applicant("Dublin Bay Water Quality Data", "research", "IE", "Dublin", "climate"),
    Applicant(
        "Glasgow Retrofit Data Partnership", "non_profit", "GB", "Glasgow", "energy", status="draft"
    ),
    Applicant("Manchester Community Health Data", "research", "GB", "Manchester", "health"),
    Applicant(
        "Cardiff Open Legislation Data", "government", "GB", "Cardiff", "public_services", 10000
    ),
    Applicant("Toronto Neighbourhood Data Trust", "non_profit", "CA", "Toronto", "housing"),
    Applicant("Portland Wildfire Smoke Data", "research", "US", "Portland", "climate"),
    Applicant("Chicago Transit Equity Data", "non_profit", "US", "Chicago", "transport"),
    Applicant("Melbourne Circular Construction Data", "company", "AU", "Melbourne", "circular"),
    Applicant("Auckland Coastal Data Collective", "research", "NZ", "Auckland", "climate"),
    Applicant(
        "Tokyo Elder Care Data Consortium", "company", "JP", "Tokyo", "health", status="withdrawn"
    ),
    Applicant("Tallinn Public Services Data", "government", "EE", "Tallinn", "public_services"),
    Applicant("Warsaw Citizens' Air Data", "other", "PL", "Warsaw", "climate"),
    Applicant("Oslo Fishery Traceability Data", "company", "NO", "Oslo", "circular"),
    Applicant("Zurich Open Pharma Data", "company", "CH", "Zurich", "health", 25000),
    Applicant(
        "Brussels Packaging Return Data", "non_profit", "BE", "Brussels", "circular", status="draft"
    ),
    Applicant("Lisbon Tourism Flows Data", "research", "PT", "Lisbon", "public_services"),
]

# The demo applicant (applicant@...) belongs to this organisation, whose application is a
# draft: logging in as them, one can finish and submit it.
DEMO_APPLICANT_ORGANISATION = "Glasgow Retrofit Data Partnership"

# Declared conflicts: (reviewer number, organisation name, reason).
CONFLICTS: list[tuple[int, str, str]] = [
    (1, "Nairobi Mobility Data Trust", "Former employee"),
    (2, "Manchester Community Health Data", "Co-investigator on a related grant"),
    (4, "Lyon Cycle Logistics Data", "Advises the board"),
]

REVIEWER_NAMES = [
    "Amara Okafor",
    "Lucía Fernández",
    "Priya Raman",
    "Tom Haldane",
    "Mei Lin",
    "Jonas Berg",
]
# How each reviewer leans: harsh reviewers score low, generous ones high. Normalisation per
# reviewer (z-scores) is what makes their reviews comparable.
REVIEWER_BIAS = [-0.8, 0.6, 0.0, -0.3, 0.9, 0.2]
