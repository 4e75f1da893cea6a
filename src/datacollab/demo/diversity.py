"""Where the demo's organisations work and, privately, where some of their people live.

Countries of operation are plausible readings of each organisation's public work (GBIF's
nodes, the Open Contracting Partnership's country programmes...), not claims about it.
Residence is given for most contacts and left out for a few, so the dashboard shows its
"not recorded" row and its withheld small counts.
"""

from __future__ import annotations

from datacollab.demo.people import email
from datacollab.organisations.models import Organisation, User

OPERATING: dict[str, list[str]] = {
    "data-cargo": ["GB"],
    "open-data-charter": ["AR", "BR", "CO", "MX", "UY"],
    "its-norway": ["FI", "NO", "SE"],
    "ikure": ["IN"],
    "reath": ["GB", "NL", "US"],
    "open-data-china": ["CN"],
    "gbif": ["BR", "CO", "DK", "IN", "KE", "ZA"],
    "metabrainz-foundation": ["DE", "NL", "US"],
    "open-apparel-registry": ["BD", "IN", "KH", "TR", "US", "VN"],
    "open-contracting-partnership": ["CO", "GB", "NG", "PY", "UA", "US"],
    "openstreetmap-foundation": ["DE", "GB", "PH", "TZ", "US"],
    "wikimedia-foundation": ["BR", "GH", "IN", "NG", "US"],
    "wikirate": ["BD", "DE", "GB"],
    "lagos-urban-mobility": ["GH", "NG"],
    "bogota-air-quality": ["CO", "PE"],
    "leeds-flood-data": ["GB"],
}

# The contact of each organisation (demo/people.py's `email(slug)`): where they live. Contacts
# not listed have not said.
RESIDENCE: dict[str, list[str]] = {
    "data-cargo": ["GB"],
    "open-data-charter": ["AR"],
    "its-norway": ["NO"],
    "ikure": ["IN"],
    "reath": ["GB"],
    "gbif": ["CO"],
    "metabrainz-foundation": ["US"],
    "open-apparel-registry": ["BD"],
    "open-contracting-partnership": ["GB"],
    "wikimedia-foundation": ["NG"],
    "lagos-urban-mobility": ["NG"],
    "bogota-air-quality": ["CO"],
    "leeds-flood-data": ["GB"],
}


def ensure_diversity() -> int:
    """Write countries of operation and residence; returns how many rows were written.
    Organisations and people not loaded are skipped."""
    written = 0
    for slug, codes in OPERATING.items():
        written += Organisation.objects.filter(slug=slug).update(operating_countries=codes)
    for slug, codes in RESIDENCE.items():
        written += User.objects.filter(email=email(slug)).update(residence_countries=codes)
    return written
