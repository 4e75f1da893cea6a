"""Agreement templates: the SPDX licences a collaboration can start from, and custom terms.

We keep a plain-language summary and a link to the canonical SPDX page, never a pasted copy of
the licence: the agreement's own (versioned) text is what people accept, and it links to the
licence it applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from datacollab.collaborations.models import LicenceId

CUSTOM = LicenceId.CUSTOM.value


@dataclass(frozen=True)
class Licence:
    spdx_id: str
    name: str
    url: str
    # Open in the sense of the Open Definition: anyone may use, change and share the data for
    # any purpose, at most under attribution or share-alike. Data at the `open` Data Spectrum
    # level needs an open licence.
    is_open: bool
    summary: str | Promise  # translated lazily, in the viewer's language


def _spdx_url(spdx_id: str) -> str:
    return f"https://spdx.org/licenses/{spdx_id}.html"


_ALL = [
    Licence(
        "O-UDA-1.0",
        "Open Use of Data Agreement v1.0",
        _spdx_url("O-UDA-1.0"),
        True,
        _(
            "Permissive: anyone may use, change and share the data and what they build from it, "
            "for any purpose. The data comes as it is, without warranty."
        ),
    ),
    Licence(
        "C-UDA-1.0",
        "Computational Use of Data Agreement v1.0",
        _spdx_url("C-UDA-1.0"),
        False,
        _(
            "Computational use only: the data may be analysed by computer (for example to train "
            "or test models) and the results shared freely, but it may not be used otherwise. "
            "Not an open licence."
        ),
    ),
    Licence(
        "CDLA-Permissive-2.0",
        "Community Data License Agreement – Permissive, Version 2.0",
        _spdx_url("CDLA-Permissive-2.0"),
        True,
        _(
            "Permissive: use, change and share the data for any purpose; when sharing the data, "
            "include the agreement's text. Results of computation are not restricted."
        ),
    ),
    Licence(
        "CDLA-Sharing-1.0",
        "Community Data License Agreement – Sharing, Version 1.0",
        _spdx_url("CDLA-Sharing-1.0"),
        True,
        _(
            "Share-alike: use and change the data for any purpose; data you share, changed or "
            "not, must be shared under these same terms. Results of computation are not "
            "restricted."
        ),
    ),
    Licence(
        "ODbL-1.0",
        "Open Data Commons Open Database License v1.0",
        _spdx_url("ODbL-1.0"),
        True,
        _(
            "Attribution and share-alike for databases: use and change freely, credit the "
            "source, share adapted databases under the ODbL, and keep them open (no technical "
            "restrictions without an unrestricted copy)."
        ),
    ),
    Licence(
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0 International",
        _spdx_url("CC-BY-4.0"),
        True,
        _(
            "Attribution: use, change and share for any purpose, including commercially, as "
            "long as you credit the source and say if you changed it."
        ),
    ),
    Licence(
        "CC0-1.0",
        "Creative Commons Zero v1.0 Universal",
        _spdx_url("CC0-1.0"),
        True,
        _(
            "Public domain dedication: the providers give up their rights as far as the law "
            "allows; anyone may do anything with the data, without asking or crediting."
        ),
    ),
]

LICENCES: dict[str, Licence] = {licence.spdx_id: licence for licence in _ALL}

CUSTOM_SUMMARY = _(
    "Custom terms written by the collaboration. Not an open licence: read the text below."
)


def get(spdx_id: str) -> Licence | None:
    return LICENCES.get(spdx_id)


def is_open_licence(spdx_id: str) -> bool:
    """Whether data under this SPDX id may sit at the `open` Data Spectrum level."""
    licence = LICENCES.get(spdx_id)
    return bool(licence and licence.is_open)


def choices() -> list[tuple[str, str]]:
    return [(lic.spdx_id, f"{lic.name} ({lic.spdx_id})") for lic in _ALL] + [
        (CUSTOM, str(pgettext_lazy("licence", "Custom terms")))
    ]


def template_text(spdx_id: str, *, title: str = "") -> str:
    """The Markdown an agreement starts from: what it applies, a summary, and the link."""
    heading = f"# {title}\n\n" if title else ""
    licence = LICENCES.get(spdx_id)
    if licence is None:
        return heading + str(
            _(
                "These are the collaboration's own terms.\n\n"
                "## What you may do\n\n- ...\n\n"
                "## What you must do\n\n- ...\n\n"
                "## What you may not do\n\n- ...\n"
            )
        )
    return heading + str(
        _(
            "This agreement makes the data available under the [%(name)s](%(url)s) "
            "(SPDX: `%(id)s`). The licence text at that address is part of this agreement.\n\n"
            "**In short:** %(summary)s\n\n"
            "The summary helps you read the licence; where they differ, the licence applies.\n"
        )
        % {
            "name": licence.name,
            "url": licence.url,
            "id": licence.spdx_id,
            "summary": licence.summary,
        }
    )
