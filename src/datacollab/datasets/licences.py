"""The licences a dataset may carry, by SPDX identifier, and which of them are open.

A short list kept as data: the common data licences, so a typo ("CC-BY4") is caught. Licences
outside it use SPDX's own escape, `LicenseRef-<name>`, and are never treated as open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    spdx: str
    name: str
    # Conformant with the Open Definition: anyone may use, change and share, for any purpose.
    open: bool
    # Offered in the dataset form's select; the rest are typed as "another SPDX identifier".
    common: bool = False


LICENCES: tuple[Licence, ...] = (
    Licence("CC0-1.0", "Creative Commons Zero 1.0", True, True),
    Licence("CC-BY-4.0", "Creative Commons Attribution 4.0", True, True),
    Licence("CC-BY-SA-4.0", "Creative Commons Attribution Share-Alike 4.0", True, True),
    Licence("ODbL-1.0", "Open Data Commons Open Database License 1.0", True, True),
    Licence("ODC-By-1.0", "Open Data Commons Attribution License 1.0", True, True),
    Licence("PDDL-1.0", "Open Data Commons Public Domain Dedication and License 1.0", True, True),
    Licence("CDLA-Permissive-2.0", "Community Data License Agreement Permissive 2.0", True, True),
    Licence("CDLA-Sharing-1.0", "Community Data License Agreement Sharing 1.0", True, True),
    Licence("O-UDA-1.0", "Open Use of Data Agreement 1.0", True, True),
    Licence("C-UDA-1.0", "Computational Use of Data Agreement 1.0", False, True),
    Licence("CC-BY-NC-4.0", "Creative Commons Attribution Non Commercial 4.0", False, True),
    Licence("CC-BY-3.0", "Creative Commons Attribution 3.0 Unported", True),
    Licence("CC-BY-SA-3.0", "Creative Commons Attribution Share-Alike 3.0 Unported", True),
    Licence("CDLA-Permissive-1.0", "Community Data License Agreement Permissive 1.0", True),
    Licence("OGL-UK-3.0", "Open Government Licence v3.0", True),
    Licence("OGL-Canada-2.0", "Open Government Licence - Canada", True),
    Licence("etalab-2.0", "Etalab Open License 2.0", True),
    Licence("DL-DE-BY-2.0", "Data licence Germany – attribution – version 2.0", True),
    Licence("DL-DE-ZERO-2.0", "Data licence Germany – zero – version 2.0", True),
    Licence("NLOD-2.0", "Norwegian Licence for Open Government Data 2.0", True),
    Licence(
        "CC-BY-NC-SA-4.0", "Creative Commons Attribution Non Commercial Share Alike 4.0", False
    ),
    Licence("CC-BY-ND-4.0", "Creative Commons Attribution No Derivatives 4.0", False),
    Licence(
        "CC-BY-NC-ND-4.0", "Creative Commons Attribution Non Commercial No Derivatives 4.0", False
    ),
)

_BY_KEY = {licence.spdx.lower(): licence for licence in LICENCES}
# SPDX: "LicenseRef-" followed by letters, digits, "." and "-".
_LICENSE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.\-]+$")


def canonical(identifier: str) -> str | None:
    """The identifier as SPDX spells it, or None when it is not one we know.

    Matching ignores case, as SPDX does ("cc-by-4.0" is CC-BY-4.0).
    """
    text = identifier.strip()
    known = _BY_KEY.get(text.lower())
    if known is not None:
        return known.spdx
    if _LICENSE_REF.match(text):
        return "LicenseRef-" + text[len("LicenseRef-") :]
    return None


def is_open(identifier: str) -> bool:
    known = _BY_KEY.get(identifier.strip().lower())
    return bool(known and known.open)


def get(identifier: str) -> Licence | None:
    return _BY_KEY.get(identifier.strip().lower())


def common_choices() -> list[tuple[str, str]]:
    return [
        (licence.spdx, f"{licence.spdx} — {licence.name}") for licence in LICENCES if licence.common
    ]


def open_identifiers() -> list[str]:
    return [licence.spdx for licence in LICENCES if licence.open]


def url(identifier: str) -> str | None:
    """The licence's canonical SPDX page; None for LicenseRef-… and unknown identifiers."""
    known = get(identifier)
    return f"https://spdx.org/licenses/{known.spdx}.html" if known else None
