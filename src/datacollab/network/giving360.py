"""The 360Giving Data Standard 1.4 export of a cohort's awards, as a package (JSON) and CSV.

Builds plain data from already-loaded rows (no queries of its own beyond the prefetched
instalments), so the web page and `datacollab export-grants` publish the same thing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from datacollab.core import countries
from datacollab.core.errors import DomainError
from datacollab.datasets.csvsafe import escape_cell
from datacollab.network.models import Award, Cohort
from datacollab.network.services.grants import giving360_prefix

SCHEMA_VERSION = "1.4"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
# 360Giving allows additional fields; the standard has none for a planned payment schedule.
INSTALMENTS_FIELD = "datacollabInstalments"
CONTRACT_NOTE = "Contract paid against invoices: amounts exclude VAT."

# (column title, path into a grant). Titles follow the schema's "title" annotations, joined
# with ":" as 360Giving's flattened spreadsheets do.
CSV_COLUMNS: list[tuple[str, tuple[str | int, ...]]] = [
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Applied For", ("amountAppliedFor",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Amount Disbursed", ("amountDisbursed",)),
    ("Award Date", ("awardDate",)),
    ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
    ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Recipient Org:Country", ("recipientOrganization", 0, "addressCountry")),
    ("Recipient Org:Web Address", ("recipientOrganization", 0, "url")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("From An Open Call?", ("fromOpenCall",)),
    ("Funding Type:Title", ("fundingType", 0, "title")),
    ("Instalments", (INSTALMENTS_FIELD,)),
]


def funder() -> dict[str, str]:
    return {
        "id": getattr(settings, "GIVING360_FUNDER_ID", "GB-COH-08317706"),
        "name": getattr(settings, "GIVING360_FUNDER_NAME", "The Open Data Institute"),
    }


def _number(value: Decimal) -> int | float:
    """JSON numbers without a trailing '.0' for whole amounts (as 360Giving examples show)."""
    return int(value) if value == value.to_integral_value() else float(value)


def recipient_id(award: Award) -> str:
    """The org-id when we know it (so data joins up across funders), else our own 360G- id."""
    org = award.organisation
    return org.org_id or f"{giving360_prefix()}-org-{org.slug}"


def _description(award: Award) -> str:
    text = award.description or award.title
    if award.kind == Award.Kind.CONTRACT:
        text = f"{text}\n\n{CONTRACT_NOTE}"
    return text


def grant_record(award: Award, cohort: Cohort) -> dict[str, Any]:
    org = award.organisation
    instalments = list(award.instalments.all())
    paid = [part for part in instalments if part.is_paid]
    recipient: dict[str, Any] = {"id": recipient_id(award), "name": org.name}
    if countries.get(org.country) is not None:
        recipient["addressCountry"] = countries.name_of(org.country)
    if org.website:
        recipient["url"] = org.website
    record: dict[str, Any] = {
        "id": award.identifier,
        "title": award.title,
        "description": _description(award),
        "currency": award.currency,
        "amountAwarded": _number(award.amount),
        "amountDisbursed": _number(sum((p.amount for p in paid), Decimal(0))),
        "awardDate": award.awarded_on.isoformat(),
        "plannedDates": [
            {"startDate": cohort.starts_on.isoformat(), "endDate": cohort.ends_on.isoformat()}
        ],
        "recipientOrganization": [recipient],
        "fundingOrganization": [funder()],
        "grantProgramme": [{"code": cohort.slug, "title": cohort.name}],
        "fromOpenCall": "Yes" if award.application_id else "No",
        "fundingType": [{"title": "Grant" if award.kind == Award.Kind.GRANT else "Contract"}],
        "disbursementTransaction": [
            {
                "id": f"{award.identifier}-{part.position}",
                "transactionDate": part.paid_on.isoformat(),
                "currency": award.currency,
                "value": _number(part.amount),
            }
            for part in paid
            if part.paid_on is not None
        ],
        INSTALMENTS_FIELD: [
            {
                "position": part.position,
                "dueDate": part.due_on.isoformat(),
                "amount": _number(part.amount),
                "paid": part.is_paid,
                **({"paidDate": part.paid_on.isoformat()} if part.paid_on else {}),
            }
            for part in instalments
        ],
    }
    if award.application is not None:
        record["amountAppliedFor"] = _number(award.application.requested_amount)
    if not record["disbursementTransaction"]:
        del record["disbursementTransaction"]
    return record


def build_package(cohort: Cohort, awards: Sequence[Award], *, issued: date) -> dict[str, Any]:
    """A 360Giving package. Callers refuse an empty cohort: the standard needs one grant."""
    publisher = funder()
    return {
        "grants": [grant_record(award, cohort) for award in awards],
        "version": SCHEMA_VERSION,
        "title": f"{cohort.network.name}: {cohort.name} grants",
        "description": (
            f"Grants and contracts awarded to the organisations of {cohort.name}. "
            f"The schedule of instalments is in the additional field {INSTALMENTS_FIELD}. "
            f"Contracts are paid against invoices and their amounts exclude VAT."
        ),
        "identifier": f"{giving360_prefix()}-{cohort.slug}",
        "issued": issued.isoformat(),
        "publisher": {"identifier": publisher["id"], "name": publisher["name"]},
        "license": LICENSE,
    }


FORMATS = ("json", "csv")


def render_export(cohort: Cohort, awards: Sequence[Award], *, fmt: str, issued: date) -> str:
    """The package as `fmt` text; refused (DomainError) when there is nothing valid to publish."""
    if fmt not in FORMATS:
        raise DomainError(
            _("Unknown format %(fmt)r: use json or csv.") % {"fmt": fmt}, field="format"
        )
    if not awards:
        raise DomainError(
            _("%(cohort)s has no awards yet: a 360Giving package needs at least one grant.")
            % {"cohort": cohort.name}
        )
    package = build_package(cohort, awards, issued=issued)
    return package_to_json(package) if fmt == "json" else package_to_csv(package)


def package_to_json(package: dict[str, Any]) -> str:
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def _pick(record: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    value: Any = record
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return ""
    return value


def _instalments_cell(parts: Iterable[dict[str, Any]]) -> str:
    cells = []
    for part in parts:
        state = f"paid {part['paidDate']}" if part["paid"] else "unpaid"
        cells.append(f"{part['dueDate']} {part['amount']} ({state})")
    return "; ".join(cells)


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas (CSV injection) by the site's one rule (csvsafe): a
    prefix test of its own missed look-alikes such as " =x" or a full-width "＝x"."""
    return escape_cell(value)


def package_to_csv(package: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for title, _path in CSV_COLUMNS])
    for grant in package["grants"]:
        row = []
        for _title, path in CSV_COLUMNS:
            value = _pick(grant, path)
            if path == (INSTALMENTS_FIELD,):
                value = _instalments_cell(value or [])
            row.append(safe_cell(value))
        writer.writerow(row)
    return out.getvalue()
