from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from datacollab.network import giving360
from datacollab.network.models import Award
from datacollab.network.services.grants import mark_instalment_paid
from tests import factories
from tests.network.factories_grants import make_award, make_member

pytestmark = pytest.mark.django_db

STANDARD = Path(__file__).resolve().parents[3] / "shared" / "standards" / "360giving"
EXPECTED_HEADER = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Amount Disbursed",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Country",
    "Recipient Org:Web Address",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "From An Open Call?",
    "Funding Type:Title",
    "Instalments",
]


def _validator() -> jsonschema.Draft202012Validator:
    """The local 1.4 schemas, the grant schema reachable under every $id that refers to it."""
    package = json.loads((STANDARD / "360-giving-package-schema.json").read_text())
    grant = json.loads((STANDARD / "360-giving-schema.json").read_text())
    grant_resource = Resource.from_contents(grant, default_specification=DRAFT202012)
    grant_ref = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources(
        [(grant["$id"], grant_resource), (grant_ref, grant_resource)]
    )
    return jsonschema.Draft202012Validator(
        package, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _errors(package: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(package)]


@pytest.fixture
def cohort_with_awards(convener):
    cohort = factories.make_cohort(
        slug="2020-data-collaborations",
        name="2020 data collaborations",
        starts_on=date(2020, 1, 1),
        ends_on=date(2020, 6, 30),
    )
    call = factories.make_call(cohort=cohort)
    alpha = make_member(cohort, name="Alpha Data", country="KE")
    alpha.org_id, alpha.website = "GB-CHC-1234567", "https://alpha.example.org"
    alpha.save()
    application = factories.make_application(call=call, organisation=alpha, amount="21000.00")
    grant = make_award(
        actor=convener,
        cohort=cohort,
        organisation=alpha,
        amount="20000.00",
        title="Alpha's collaboration",
        description='=HYPERLINK("x")',
        application=application,
        awarded_on=date(2020, 1, 10),
    )
    beta = make_member(cohort, name="Beta Coop")
    contract = make_award(
        actor=convener,
        cohort=cohort,
        organisation=beta,
        amount="12500.50",
        kind=Award.Kind.CONTRACT,
        title="Beta's study",
        awarded_on=date(2020, 1, 12),
        instalments=[
            (date(2020, 1, 12), Decimal("2500.50")),
            (date(2020, 6, 30), Decimal("10000")),
        ],
    )
    mark_instalment_paid(
        actor=convener,
        instalment=contract.instalments.get(position=1),
        paid_on=date(2020, 1, 20),
        invoice_reference="INV-1",
    )
    return cohort, grant, contract


def _package(cohort) -> dict[str, Any]:
    awards = list(Award.objects.filter(cohort=cohort).order_by("organisation__name"))
    return giving360.build_package(cohort, awards, issued=date(2024, 5, 1))


def test_build_package_validates_against_360giving_schema(cohort_with_awards):
    package = _package(cohort_with_awards[0])
    assert _errors(package) == []


def test_build_package_validator_catches_a_broken_grant(cohort_with_awards):
    package = _package(cohort_with_awards[0])
    del package["grants"][0]["fundingOrganization"]
    assert _errors(package) != []


def test_build_package_grant_fields(cohort_with_awards, settings):
    cohort, grant, _contract = cohort_with_awards
    record = _package(cohort)["grants"][0]
    assert record == {
        "id": grant.identifier,
        "title": "Alpha's collaboration",
        "description": '=HYPERLINK("x")',
        "currency": "GBP",
        "amountAppliedFor": 21000,
        "amountAwarded": 20000,
        "amountDisbursed": 0,
        "awardDate": "2020-01-10",
        "plannedDates": [{"startDate": "2020-01-01", "endDate": "2020-06-30"}],
        "recipientOrganization": [
            {
                "id": "GB-CHC-1234567",
                "name": "Alpha Data",
                "addressCountry": "Kenya",
                "url": "https://alpha.example.org",
            }
        ],
        "fundingOrganization": [{"id": "GB-COH-08317706", "name": "The Open Data Institute"}],
        "grantProgramme": [
            {"code": "2020-data-collaborations", "title": "2020 data collaborations"}
        ],
        "fromOpenCall": "Yes",
        "fundingType": [{"title": "Grant"}],
        "datacollabInstalments": [
            {"position": 1, "dueDate": "2020-01-10", "amount": 10000, "paid": False},
            {"position": 2, "dueDate": "2020-06-30", "amount": 10000, "paid": False},
        ],
    }


def test_build_package_contract_says_vat_and_lists_payment(cohort_with_awards):
    cohort, _grant, contract = cohort_with_awards
    record = _package(cohort)["grants"][1]
    assert record["description"] == (
        "Beta's study\n\nContract paid against invoices: amounts exclude VAT."
    )
    assert record["recipientOrganization"][0]["id"] == (
        f"360G-datacollab-org-{contract.organisation.slug}"
    )
    assert record["amountAwarded"] == 12500.5
    assert record["amountDisbursed"] == 2500.5
    assert record["fromOpenCall"] == "No"
    assert record["disbursementTransaction"] == [
        {
            "id": f"{contract.identifier}-1",
            "transactionDate": "2020-01-20",
            "currency": "GBP",
            "value": 2500.5,
        }
    ]


def test_build_package_metadata_uses_settings(cohort_with_awards, settings):
    settings.GIVING360_FUNDER_ID = "GB-CHC-999"
    settings.GIVING360_FUNDER_NAME = "Another Funder"
    settings.GIVING360_PREFIX = "360G-other"
    package = _package(cohort_with_awards[0])
    assert {k: v for k, v in package.items() if k != "grants"} == {
        "version": "1.4",
        "title": "Peer Learning Network for Data Collaborations: 2020 data collaborations grants",
        "description": (
            "Grants and contracts awarded to the organisations of 2020 data collaborations. "
            "The schedule of instalments is in the additional field datacollabInstalments. "
            "Contracts are paid against invoices and their amounts exclude VAT."
        ),
        "identifier": "360G-other-2020-data-collaborations",
        "issued": "2024-05-01",
        "publisher": {"identifier": "GB-CHC-999", "name": "Another Funder"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert package["grants"][0]["fundingOrganization"] == [
        {"id": "GB-CHC-999", "name": "Another Funder"}
    ]
    assert _errors(package) == []


def test_package_to_csv_header_and_rows(cohort_with_awards):
    cohort, grant, contract = cohort_with_awards
    rows = list(csv.reader(io.StringIO(giving360.package_to_csv(_package(cohort)))))
    assert rows[0] == EXPECTED_HEADER
    assert rows[1] == [
        grant.identifier,
        "Alpha's collaboration",
        '\'=HYPERLINK("x")',
        "GBP",
        "21000",
        "20000",
        "0",
        "2020-01-10",
        "2020-01-01",
        "2020-06-30",
        "GB-CHC-1234567",
        "Alpha Data",
        "Kenya",
        "https://alpha.example.org",
        "GB-COH-08317706",
        "The Open Data Institute",
        "2020-data-collaborations",
        "2020 data collaborations",
        "Yes",
        "Grant",
        "2020-01-10 10000 (unpaid); 2020-06-30 10000 (unpaid)",
    ]
    assert rows[2][0] == contract.identifier
    assert rows[2][-1] == "2020-01-12 2500.5 (paid 2020-01-20); 2020-06-30 10000 (unpaid)"
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        # Look-alikes that spreadsheets evaluate (red-team finding 7).
        ('  =HYPERLINK("http://x")', '\'  =HYPERLINK("http://x")'),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\uff0b44", "'\uff0b44"),
        ("\u00a0@x", "'\u00a0@x"),
        (-5, -5),
        ("", ""),
    ],
)
def test_safe_cell_escapes_formulas(value, expected):
    assert giving360.safe_cell(value) == expected


def test_render_export_empty_cohort_refused():
    cohort = factories.make_cohort(name="Empty")
    with pytest.raises(giving360.DomainError) as info:
        giving360.render_export(cohort, [], fmt="json", issued=date(2024, 1, 1))
    assert info.value.message == (
        "Empty has no awards yet: a 360Giving package needs at least one grant."
    )


def test_export_grants_command_writes_json(cohort_with_awards, tmp_path):
    out = tmp_path / "grants.json"
    stderr = io.StringIO()
    call_command(
        "export-grants",
        "--cohort",
        "2020-data-collaborations",
        "--format",
        "json",
        "-o",
        str(out),
        stderr=stderr,
    )
    package = json.loads(out.read_text())
    assert [g["recipientOrganization"][0]["name"] for g in package["grants"]] == [
        "Alpha Data",
        "Beta Coop",
    ]
    assert package["issued"] == timezone.localdate().isoformat()
    assert _errors(package) == []
    assert stderr.getvalue() == (
        f"Wrote 2 grant(s) of 2020-data-collaborations as 360Giving json to {out}.\n"
    )


def test_export_grants_command_writes_csv(cohort_with_awards, tmp_path):
    out = tmp_path / "grants.csv"
    call_command(
        "export-grants",
        "--cohort",
        "2020-data-collaborations",
        "--format",
        "csv",
        "-o",
        str(out),
        stderr=io.StringIO(),
    )
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == EXPECTED_HEADER
    assert [row[11] for row in rows[1:]] == ["Alpha Data", "Beta Coop"]


def test_export_grants_command_unknown_cohort_refused(cohort_with_awards, tmp_path):
    with pytest.raises(CommandError) as info:
        call_command(
            "export-grants", "--cohort", "nope", "--format", "json", "-o", str(tmp_path / "x.json")
        )
    assert str(info.value) == (
        "No cohort with slug 'nope'. Known cohorts: 2020-data-collaborations."
    )


def test_export_grants_command_bad_format_refused(cohort_with_awards, tmp_path):
    with pytest.raises(CommandError) as info:
        call_command(
            "export-grants",
            "--cohort",
            "2020-data-collaborations",
            "--format",
            "xml",
            "-o",
            str(tmp_path / "x.xml"),
        )
    assert str(info.value) == (
        "Error: argument --format: invalid choice: 'xml' (choose from 'json', 'csv')"
    )


def test_export_grants_command_unwritable_path_refused(cohort_with_awards, tmp_path):
    target = tmp_path / "missing-dir" / "grants.json"
    with pytest.raises(CommandError) as info:
        call_command(
            "export-grants",
            "--cohort",
            "2020-data-collaborations",
            "--format",
            "json",
            "-o",
            str(target),
        )
    assert str(info.value) == f"Cannot write {target}: No such file or directory."


def test_export_grants_command_empty_cohort_refused(tmp_path):
    factories.make_cohort(slug="empty-cohort", name="Empty cohort")
    with pytest.raises(CommandError) as info:
        call_command(
            "export-grants",
            "--cohort",
            "empty-cohort",
            "--format",
            "csv",
            "-o",
            str(tmp_path / "x.csv"),
        )
    assert str(info.value) == (
        "Empty cohort has no awards yet: a 360Giving package needs at least one grant."
    )
