"""What `datacollab backup` must carry for reports beyond their FileFields: the PDF of each
other language a revision was frozen in, named inside its `translations` JSON."""

from __future__ import annotations

from typing import Any

from datacollab.core.backup.areas import MEDIA, Source, register_source


def language_pdfs(translations: Any) -> list[str]:
    if not isinstance(translations, dict):
        return []
    return [
        str(frozen["pdf"])
        for frozen in translations.values()
        if isinstance(frozen, dict) and frozen.get("pdf")
    ]


def register() -> None:
    register_source(
        Source(
            model="reports.ReportRevision",
            fields=("translations",),
            area=MEDIA,
            keys_in=language_pdfs,
        )
    )
