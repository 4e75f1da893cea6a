"""A grant agreement's text: the cohort's template with the award's facts put in.

Placeholders are `{{ name }}` from a fixed list, replaced by plain string substitution (never
Django's template engine), so a convener's template cannot reach anything but these facts.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from datacollab.core import dates
from datacollab.core.templatetags.datacollab import money

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
PLACEHOLDERS = (
    "funder",
    "organisation",
    "cohort",
    "title",
    "identifier",
    "amount",
    "instalments",
    "deliverables",
    "reporting_dates",
    "output",
    "starts_on",
    "ends_on",
)


def default_text() -> str:
    return _(
        "# Grant agreement\n\n"
        "**Between** {{ funder }} (the convener) **and** {{ organisation }} (the grantee).\n\n"
        "**Grant**: {{ title }} ({{ identifier }}), as a member of {{ cohort }}, "
        "from {{ starts_on }} to {{ ends_on }}.\n\n"
        "## 1. Amount and instalments\n\n"
        "The convener grants {{ organisation }} {{ amount }}, paid in these instalments:\n\n"
        "{{ instalments }}\n\n"
        "An instalment tied to a report is paid only once the convener has approved that "
        "report.\n\n"
        "## 2. Deliverables and reporting dates\n\n"
        "The grantee delivers, and reports on its progress, by these dates:\n\n"
        "{{ deliverables }}\n\n"
        "## 3. Taking part and the output\n\n"
        "The grantee takes part in the cohort's sessions, shares what it learns with its "
        "peers, and contributes to {{ output }}.\n\n"
        "## 4. Acceptance\n\n"
        "A person entitled to sign for {{ organisation }} accepts this agreement in the "
        "site; the exact text accepted and its SHA-256 are kept in the audit log.\n"
    )


def default_output(cohort: Any) -> str:
    return _("the output report of %(cohort)s") % {"cohort": cohort.name}


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def text_hash(text: str) -> str:
    """SHA-256 of the UTF-8 text, as the audit log and the data agreements record it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    """A name or title made plain inside Markdown: its specials escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _date(value: Any) -> str:
    return dates.date_format(value, "DATE_FORMAT")


def _list(lines: list[str], empty: str) -> str:
    return "\n".join(f"- {line}" for line in lines) if lines else empty


def facts(award: Any, *, output: str) -> dict[str, str]:
    """The award's facts by placeholder name. `award` comes with instalments and reports."""
    cohort = award.cohort
    instalments = [
        _("%(amount)s due on %(date)s")
        % {"amount": money(i.amount, award.currency), "date": _date(i.due_on)}
        + (
            _(" (payable once “%(report)s” is approved)") % {"report": _md(i.report.title)}
            if i.report_id
            else ""
        )
        for i in award.instalments.all()
    ]
    reports = list(award.reports.all())
    return {
        "funder": _md(cohort.network.name),
        "organisation": _md(award.organisation.name),
        "cohort": _md(cohort.name),
        "title": _md(award.title),
        "identifier": award.identifier,
        "amount": money(award.amount, award.currency),
        "instalments": _list(instalments, _("(no instalments)")),
        "deliverables": _list(
            [
                _("%(title)s, by %(date)s") % {"title": _md(r.title), "date": _date(r.due_on)}
                for r in reports
            ],
            _("(none set yet)"),
        ),
        "reporting_dates": _list([_date(r.due_on) for r in reports], _("(none set yet)")),
        "output": output,
        "starts_on": _date(cohort.starts_on),
        "ends_on": _date(cohort.ends_on),
    }


@dataclass(frozen=True)
class AgreementText:
    text: str
    hash: str


def compose(template: str, values: dict[str, str]) -> AgreementText:
    text = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    return AgreementText(text=text, hash=text_hash(text))
