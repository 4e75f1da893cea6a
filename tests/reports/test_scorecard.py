"""The principles scorecard: each formula on a crafted collaboration, the page, the assessment."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from datacollab.collaborations.models import SelfAssessment
from datacollab.core import audit
from datacollab.datasets.models import Dataset, DatasetVersion
from datacollab.reports.scorecard import scorecard
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories_data import make_agreement, make_collaboration, make_dataset

pytestmark = pytest.mark.django_db

_keys = itertools.count(1)


def _version(dataset: Dataset, *, valid: bool, audited: bool = False) -> DatasetVersion:
    number = dataset.versions.count() + 1
    version = DatasetVersion.objects.create(
        dataset=dataset,
        number=number,
        storage_key=f"test/{next(_keys)}.parquet",
        row_count=10,
        byte_size=100,
        checksum=f"{next(_keys):064x}",
        schema={"fields": []},
        report={"valid": valid, "stats": {}, "tasks": [], "errors": []},
        created_by=make_user(),
    )
    if audited:
        # As datasets.services.versions.publish_parquet writes it.
        audit.record(
            action="dataset.version_published",
            obj=dataset,
            details={"version": number, "checksum": version.checksum, "rows": 10},
        )
    return version


def _crafted():
    """Five datasets, five versions, four member organisations: every share is known."""
    lead = make_org(country="GB")
    south = make_org(country="KE")
    user_org = make_org(country="GB")
    funder = make_org(country="FR")
    collaboration = make_collaboration(
        lead=lead,
        members=[
            (south, "data_provider"),
            (user_org, "data_user"),
            (user_org, "funder"),
            (funder, "funder"),
        ],
    )
    agreement = make_agreement(collaboration=collaboration)

    def dataset(title: str, spectrum: str, licence: str, **extra) -> Dataset:
        return make_dataset(
            owner=lead,
            collaboration=collaboration,
            title=title,
            spectrum=spectrum,
            licence=licence,
            **extra,
        )

    a = dataset("Open counts", "open", "CC-BY-4.0")
    b = dataset("Public trips", "public", "CC-BY-4.0")
    c = dataset("Group routes", "group", "")
    d = dataset("Named depots", "named", "ODbL-1.0", agreement=agreement)
    e = dataset("Public under terms", "public", "C-UDA-1.0", agreement=agreement)
    _version(a, valid=True, audited=True)
    _version(b, valid=False)
    _version(c, valid=True, audited=True)
    d1 = _version(d, valid=True)
    _version(d, valid=False)
    # A log entry whose checksum is not the stored file's does not count.
    audit.record(
        action="dataset.version_published",
        obj=d,
        details={"version": d1.number, "checksum": "f" * 64},
    )
    for target in (b, c, c):
        audit.record(action="dataset.accessed", obj=target, details={"channel": "preview"})
    # Another collaboration's data never counts.
    elsewhere = make_dataset(collaboration=make_collaboration(), spectrum="group", title="Other")
    _version(elsewhere, valid=True, audited=True)
    audit.record(action="dataset.accessed", obj=elsewhere, details={"channel": "preview"})
    make_application(call=make_call(), organisation=user_org, collaboration=collaboration)
    make_application(
        call=make_call(), organisation=south, collaboration=collaboration, submitted=False
    )
    return collaboration, e


def _figures(collaboration) -> dict[str, tuple[int, int]]:
    return {
        row.principle: (row.indicator.numerator, row.indicator.denominator)
        for row in scorecard(collaboration)
    }


def _details(collaboration, principle: str) -> list:
    (row,) = [r for r in scorecard(collaboration) if r.principle == principle]
    return [value for _label, value in row.indicator.details]


def test_scorecard_formulas_on_crafted_collaboration():
    collaboration, _e = _crafted()
    assert _figures(collaboration) == {
        "open": (1, 5),  # a
        "usable": (2, 5),  # a and d: a licence and a valid version
        "empowering": (2, 4),  # user_org (data user), south (Global South)
        "private": (3, 4),  # c, d restricted; e under an agreement; b neither
        "secure": (2, 5),  # the versions of a and c are in the audit log
    }
    assert _details(collaboration, "usable") == [4, "3 of 5 (60%)"]
    assert _details(collaboration, "private") == [2, 2, 0, 0]
    assert _details(collaboration, "secure") == [3]
    assert _details(collaboration, "empowering") == [1, 1, 1]


def test_scorecard_with_nothing_to_measure_has_no_share():
    collaboration = make_collaboration()
    rows = {row.principle: row.indicator for row in scorecard(collaboration)}
    assert [rows[p].share for p in ("open", "usable", "private", "secure")] == [None] * 4
    assert (rows["empowering"].numerator, rows["empowering"].denominator) == (0, 1)
    assert rows["empowering"].percent == 0


def test_scorecard_shows_self_assessment_beside_indicator():
    collaboration, _e = _crafted()
    SelfAssessment.objects.create(
        collaboration=collaboration,
        principle="open",
        score=4,
        note="Most data is open.",
        assessed_by=make_user(),
    )
    rows = {row.principle: row for row in scorecard(collaboration)}
    assert (rows["open"].assessment.score, rows["usable"].assessment) == (4, None)


def test_scorecard_page_shows_counts_never_hidden_titles(client):
    collaboration, _e = _crafted()
    response = client.get(f"/collaborations/{collaboration.slug}/scorecard/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "20%" in text  # open: 1 of 5
    for hidden in ("Group routes", "Named depots"):
        assert hidden not in text
    assert "Save Open" not in text  # anonymous: no assessment forms


def test_scorecard_page_lead_member_assesses(login):
    member = make_user()
    collaboration = make_collaboration(lead=make_org(members=[member]))
    client = login(member)
    url = f"/collaborations/{collaboration.slug}/scorecard/"
    assert "Save Open" in client.get(url).content.decode()
    response = client.post(url, {"principle": "private", "score": "3", "note": "Agreements."})
    assert (response.status_code, response["Location"]) == (302, url)
    saved = SelfAssessment.objects.get()
    assert (saved.principle, saved.score, saved.note, saved.assessed_by) == (
        "private",
        3,
        "Agreements.",
        member,
    )


def test_scorecard_assess_refused_for_non_lead_member(login):
    outsider = make_user()
    other = make_org(members=[outsider])
    collaboration = make_collaboration(members=[(other, "data_user")])
    response = login(outsider).post(
        f"/collaborations/{collaboration.slug}/scorecard/", {"principle": "open", "score": "5"}
    )
    assert response.status_code == 403
    assert (
        f"Only members of {collaboration.lead.name}, which leads this collaboration, can assess it."
        in response.content.decode()
    )
    assert SelfAssessment.objects.count() == 0


def test_scorecard_assess_bad_score_is_400(login):
    member = make_user()
    collaboration = make_collaboration(lead=make_org(members=[member]))
    response = login(member).post(
        f"/collaborations/{collaboration.slug}/scorecard/", {"principle": "open", "score": "9"}
    )
    assert response.status_code == 400
    assert SelfAssessment.objects.count() == 0


def test_scorecard_assess_anonymous_refused(client):
    collaboration = make_collaboration()
    response = client.post(
        f"/collaborations/{collaboration.slug}/scorecard/", {"principle": "open", "score": "3"}
    )
    assert response.status_code == 403


def test_scorecard_page_queries_constant_in_datasets_versions_members(login):
    member = make_user()
    lead = make_org(members=[member])
    collaboration = make_collaboration(lead=lead)
    client = login(member)
    url = f"/collaborations/{collaboration.slug}/scorecard/"

    def grow(n: int) -> None:
        for _ in range(n):
            dataset = make_dataset(owner=lead, collaboration=collaboration, spectrum="group")
            _version(dataset, valid=True, audited=True)
            collaboration.memberships.create(organisation=make_org(), role="data_user")
            SelfAssessment.objects.get_or_create(
                collaboration=collaboration,
                principle=["open", "usable", "private", "secure", "empowering"][
                    SelfAssessment.objects.count() % 5
                ],
                defaults={"score": 3, "assessed_by": member},
            )

    grow(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(4)
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(few)
