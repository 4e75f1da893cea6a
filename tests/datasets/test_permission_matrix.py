"""Every dataset route x every role x every Data Spectrum level: the exact status, and no leak.

The routes are not listed by hand: every URL pattern under /datasets/ and /api/v1/ is resolved
and filled from PARAMS, so a route added later is crawled at once. Each route needs a KIND
(what the rule is) for its exact status; `test_every_route_has_a_kind` fails until it has one,
and meanwhile the leak checks (no invisible title in any body, no data read refused by the rule
yet answered 200) already apply to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from datacollab.core.models import AuditEntry
from datacollab.datasets.models import AccessRequest, Dataset, Upload
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_api import make_token
from tests.factories_data import grant, make_collaboration, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

ROLES = ["anonymous", "registered", "other", "member", "grantee", "owner", "convener"]
# The five levels, and named and group data listed in the catalog (metadata shown to
# registered people so they can ask for access).
LEVELS = ["closed", "named", "group", "public", "open", "named-listed", "group-listed"]
OPENISH = {"open"}

# Who may learn each dataset exists (pages, lists, counts, feeds).
SEE = {
    "anonymous": {"open"},
    "registered": {"open", "public", "named-listed", "group-listed"},
    "other": {"open", "public", "named-listed", "group-listed"},
    "member": {"open", "public", "group", "named-listed", "group-listed"},
    "grantee": {"open", "public", "named", "named-listed", "group-listed"},
    "owner": set(LEVELS),
    "convener": {"open", "public", "named-listed", "group-listed"},
}
# Who may read the data (preview, downloads, rows, packages, diffs).
READ = {
    "anonymous": {"open"},
    "registered": {"open", "public"},
    "other": {"open", "public"},
    "member": {"open", "public", "group", "group-listed"},
    "grantee": {"open", "public", "named", "named-listed"},
    "owner": set(LEVELS),
    "convener": {"open", "public"},
}
HAS_ORGANISATION = {"other", "member", "owner"}

# What each route is, by URL name. See `expected` for each kind's rule.
KIND = {
    "dataset-catalog": "list",
    "dataset-catalog-jsonld": "list",
    "dataset-catalog-ttl": "list",
    "api:dataset_list": "list",
    "api:api-root": "none",
    "api:openapi-json": "list",
    "api:openapi-view": "list",
    "my-access-requests": "login_list",
    "dataset-new": "create",
    "dataset-detail": "meta",
    "dataset-dcat-jsonld": "meta",
    "dataset-dcat-ttl": "meta",
    "api:dataset_get": "meta",
    "dataset-diff-choose": "meta_redirect",
    "dataset-preview": "data",
    "dataset-download-csv": "data",
    "dataset-download-parquet": "data",
    "dataset-datapackage": "data",
    "dataset-diff": "data",
    "api:version_rows": "data",
    "api:version_diff": "data",
    "api:version_download_csv": "data",
    "api:version_download_parquet": "data",
    "dataset-edit": "owner",
    "dataset-access": "owner",
    "dataset-requests": "owner",
    "dataset-access-log": "owner",
    "dataset-access-log-csv": "owner",
    "dataset-upload": "owner",
    "dataset-upload-status": "owner",
    "dataset-schema-edit": "owner",
    "api:upload_list": "api_owner",
    "api:upload_create": "api_owner",  # the same path as upload_list: a GET lists
    "api:upload_get": "api_owner",
    "dataset-request": "request",
    "dataset-upload-retry": "post_only",
    "dataset-upload-discard": "post_only",
    "dataset-upload-reparse": "post_only",
    "dataset-upload-publish": "post_only",
    "api:upload_publish": "api_post_only",
    "api:upload_reparse": "api_post_only",
    "api:upload_discard": "api_post_only",
    "dataset-access-remove": "post_only",
    "dataset-request-decide": "post_only",
    # Aggregate queries (privacy/): no matrix dataset has protections, so it describes them
    # as not queryable to whoever may see them; tests/privacy/test_aggregate_access.py covers
    # the aggregates-only grantees.
    "api:aggregate": "meta",
    "api:aggregate-examples": "meta",
    # The network's public face (api/v1/): lists that must never name a dataset, and detail
    # routes that a dataset's slug does not address (tests/api/test_v1_network.py covers them).
    "api:cohort_list": "list",
    "api:organisation_list": "list",
    "api:session_list": "list",
    "api:learning_list": "list",
    "api:report_list": "list",
    "api:call_list": "list",
    "api:cohort_get": "none",
    "api:call_get": "none",
    "api:session_get": "none",
    "api:learning_get": "none",
    "api:report_get": "none",
}
# Query strings some routes need to do their work.
QUERY = {
    "dataset-diff-choose": {"from": "1", "to": "2"},
    "api:version_diff": {"from": "1", "to": "2"},
}
# Lists are fetched plain and with searches and facets, including facets of hidden levels.
LIST_VARIANTS: list[dict[str, str]] = [
    {},
    {"q": "matrix"},
    {"q": "secret"},
    {"theme": "matrix"},
    {"spectrum": "closed"},
    {"spectrum": "named"},
    {"spectrum": "group"},
    {"format": "csv"},
    {"licence": "C-UDA-1.0"},
    {"limit": "100"},
]
# A column of every matrix version: an answer naming it has shown the schema.
COLUMN = "pm25"
# Pages that show a preview, and so record a read like the data routes.
AUDITED_PAGES = {"dataset-detail"}


def expected(kind: str, role: str, level: str) -> int:
    see, read, anonymous = level in SEE[role], level in READ[role], role == "anonymous"
    base = level.removesuffix("-listed")
    if kind == "list":
        return 200
    if kind == "none":  # a name to reverse the API's root, not a page
        return 404
    if kind == "login_list":
        return 302 if anonymous else 200
    if kind == "create":
        return 302 if anonymous else 200 if role in HAS_ORGANISATION else 400
    if kind == "meta":
        return 200 if see else 404
    if kind == "meta_redirect":
        return 302 if see else 404
    if kind == "data":
        return 404 if not see else 200 if read else 403
    if kind == "owner":
        return 302 if anonymous else 404 if not see else 200 if role == "owner" else 403
    if kind == "api_owner":  # no login page to send anyone to: 401 says how to authenticate
        return 401 if anonymous else 404 if not see else 200 if role == "owner" else 403
    if kind == "request":
        if anonymous:
            return 302
        if not see:
            return 404
        if base not in ("named", "group"):
            return 400
        return 409 if read else 200
    if kind == "post_only":  # login first, then the method: nothing is looked up on a GET
        return 302 if anonymous else 405
    if kind == "api_post_only":  # the method first: nothing is looked up on a GET
        return 405
    raise AssertionError(f"unknown kind {kind}")


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    params: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern) and p.name:
            yield Route(namespace + p.name, prefix + str(p.pattern), tuple(p.pattern.converters))


def dataset_routes() -> list[Route]:
    return [
        r for r in _walk(get_resolver().url_patterns) if r.path.startswith(("datasets/", "api/"))
    ]


def title(level: str) -> str:
    return f"Matrix {level} dataset"


@pytest.fixture
def world() -> dict[str, Any]:
    owner_user, member_user, grantee, other = (make_user() for _ in range(4))
    owner = make_org(members=[owner_user])
    partner = make_org(members=[member_user])
    outsider = make_org(members=[other])
    collab = make_collaboration(lead=owner, members=[(partner, "data_user")])
    make_collaboration(lead=outsider)
    datasets: dict[str, Dataset] = {}
    for level in LEVELS:
        base = level.removesuffix("-listed")
        ds = make_dataset(
            owner=owner,
            collaboration=collab,
            spectrum=base,
            listed=level.endswith("-listed"),
            slug=f"matrix-{level}",
            title=title(level),
            description=f"Secret readings {level}.",
            themes=["matrix"],
            licence="CC0-1.0" if base == "open" else "C-UDA-1.0",
        )
        make_version(ds)
        make_version(ds, {"station": ["north", "west"], "pm25": [1.0, 2.0]})
        datasets[level] = ds
    for level in ("named", "named-listed"):
        grant(datasets[level], user=grantee, by=owner_user)
    bystander = make_user()
    ids = {}
    for level, ds in datasets.items():
        ids[level] = {
            "grant_id": grant(ds, user=make_user(), by=owner_user).pk,
            "request_id": AccessRequest.objects.create(
                dataset=ds, requester=bystander, purpose="x"
            ).pk,
            "upload_id": Upload.objects.create(
                dataset=ds,
                original_name="readings.csv",
                path="nowhere/readings.csv",
                status=Upload.Status.INVALID,
                error="Row 3: not a number.",
                created_by=owner_user,
            ).pk,
        }
    return {
        "users": {
            "anonymous": None,
            "registered": make_user(),
            "other": other,
            "member": member_user,
            "grantee": grantee,
            "owner": owner_user,
            "convener": make_user(roles=["convener"]),
        },
        "datasets": datasets,
        "ids": ids,
    }


def _params(route: Route, level: str, world: dict[str, Any]) -> dict[str, Any]:
    table = {
        "slug": world["datasets"][level].slug,
        "version": 1,
        "from_version": 1,
        "to_version": 2,
        "cohort_slug": world["datasets"][level].slug,
        **world["ids"][level],
    }
    missing = [p for p in route.params if p not in table]
    assert not missing, f"{route.name}: add {missing} to the parameter table in _params"
    return {p: table[p] for p in route.params}


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    return data.decode("utf-8", errors="replace")


def _reads(dataset: Dataset) -> int:
    return AuditEntry.objects.filter(action="dataset.accessed", object_id=str(dataset.pk)).count()


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _token_client(user: Any) -> Client:
    """A client that sends the person's API token and has no session: the API's key."""
    secret = make_token(user)[1]
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.mark.parametrize(
    ("role", "via"),
    [(role, "session") for role in ROLES]
    + [(role, "token") for role in ROLES if role != "anonymous"],
)
def test_every_route_every_level_answers_exactly_and_leaks_nothing(world, role, via):
    user = world["users"][role]
    client = _client(user) if via == "session" else _token_client(user)
    hidden_titles = [title(level) for level in LEVELS if level not in SEE[role]]
    hidden_slugs = [f"matrix-{level}/" for level in LEVELS if level not in SEE[role]]
    failures: list[str] = []
    checked = 0
    # A key reaches the API only; the pages ignore it (they would answer as anonymous).
    routes = [r for r in dataset_routes() if via == "session" or r.path.startswith("api/")]
    for route in routes:
        kind = KIND.get(route.name)
        if not route.params:
            for variant in LIST_VARIANTS:
                url = reverse(route.name)
                body = _fetch(client, url, variant, kind, role, "-", failures)
                checked += 1
                for leak in [*hidden_titles, *hidden_slugs]:
                    if leak in body:
                        failures.append(f"{role} GET {url} {variant}: shows {leak!r}")
                # Counts too: the API's total is the visible datasets, not all of them.
                if route.name == "api:dataset_list" and not variant:
                    count = json.loads(body)["count"]
                    if count != len(SEE[role]):
                        failures.append(f"{role} {via} {url}: count {count}")
            continue
        for level in LEVELS:
            dataset = world["datasets"][level]
            url = reverse(route.name, kwargs=_params(route, level, world))
            before = _reads(dataset)
            body = _fetch(client, url, QUERY.get(route.name, {}), kind, role, level, failures)
            checked += 1
            for leak in hidden_titles:
                if leak in body:
                    failures.append(f"{role} GET {url}: shows {leak!r}")
            # No column of data the caller may not read, in an answer or an error.
            if route.path.startswith("api/") and level not in READ[role] and COLUMN in body:
                failures.append(f"{role} {via} GET {url}: names the column {COLUMN!r}")
            # Every read of non-open data leaves an audit entry; refusals and open data none.
            reads = _reads(dataset) - before
            reading = kind == "data" or route.name in AUDITED_PAGES
            should = reading and level in READ[role] and level not in OPENISH
            if kind is not None and (reads > 0) != should:
                failures.append(f"{role} GET {url}: {reads} audit entries, expected any={should}")
    assert failures == [], "\n".join(failures)
    with_dataset = sum(1 for r in routes if r.params)
    assert checked == with_dataset * len(LEVELS) + (len(routes) - with_dataset) * len(LIST_VARIANTS)
    # The routes of this issue at least: pages, data, access, uploads, feeds, package, API.
    assert with_dataset >= (21 if via == "session" else 14)


def _fetch(
    client: Client,
    url: str,
    query: dict[str, str],
    kind: str | None,
    role: str,
    level: str,
    failures: list[str],
) -> str:
    response = client.get(url, query)
    body = _body(response)
    if kind is None:
        # Not classified yet: at least it must not answer 200 where the rule hides the dataset.
        if level != "-" and level not in SEE[role] and response.status_code == 200:
            failures.append(f"{role} GET {url}: 200 for a dataset {role} may not see")
        return body
    want = expected(kind, role, level)
    if response.status_code != want:
        failures.append(f"{role} GET {url} {query}: {response.status_code}, expected {want}")
    return body


def test_every_route_has_a_kind():
    unclassified = sorted(r.name for r in dataset_routes() if r.name not in KIND)
    assert unclassified == []


def test_catalog_facet_counts_never_include_hidden_datasets(world):
    from datacollab.datasets.selectors.catalog import search_catalog

    for role in ROLES:
        result = search_catalog(world["users"][role], filters={"theme": ["matrix"]})
        counts = {f.name: {v.value: v.count for v in f.values} for f in result.facets}
        assert (role, result.total) == (role, len(SEE[role]))
        assert (role, counts["theme"]) == (role, {"matrix": len(SEE[role])})
        assert (role, sum(counts["spectrum"].values())) == (role, len(SEE[role]))


# Writes only the owner may make, with a body that would succeed for the owner.
OWNER_WRITES = {
    "dataset-edit": {"title": "Taken over", "spectrum": "open", "licence_choice": "CC0-1.0"},
    "dataset-access": {"email": "intruder@example.org"},
    "dataset-access-remove": {},
    "dataset-request-decide": {"decision": "approve", "confirm": "1"},
    "dataset-upload": {},
    "dataset-upload-retry": {},
    "dataset-upload-discard": {},
    "dataset-upload-reparse": {"delimiter": ";"},
    "dataset-upload-publish": {"accept_schema_change": "on"},
    "dataset-schema-edit": {"action": "publish", "base_version": "2", "primary_key": "station"},
}


def _state() -> tuple[Any, ...]:
    from datacollab.datasets.models import AccessGrant

    return (
        sorted(Dataset.objects.values_list("slug", "title", "spectrum")),
        sorted(AccessGrant.objects.values_list("pk", flat=True)),
        sorted(AccessRequest.objects.values_list("pk", "status")),
        sorted(Upload.objects.values_list("pk", "status", "path")),
    )


@pytest.mark.parametrize("role", [r for r in ROLES if r != "owner"])
def test_owner_writes_refused_to_everyone_else_and_change_nothing(world, role):
    make_user(email="intruder@example.org")
    client = _client(world["users"][role])
    routes = {r.name: r for r in dataset_routes()}
    before = _state()
    failures = []
    for name, data in OWNER_WRITES.items():
        if name not in routes:  # a route of another area not built yet
            continue
        for level in LEVELS:
            url = reverse(name, kwargs=_params(routes[name], level, world))
            form = {f"r{world['ids'][level]['request_id']}-{k}": v for k, v in data.items()}
            response = client.post(url, data | form)
            want = 302 if role == "anonymous" else 404 if level not in SEE[role] else 403
            if response.status_code != want:
                failures.append(f"{role} POST {url}: {response.status_code}, expected {want}")
            if response.status_code == 302 and "/accounts/login/" not in response["Location"]:
                failures.append(f"{role} POST {url}: redirected to {response['Location']}")
    assert failures == [], "\n".join(failures)
    assert _state() == before


@pytest.mark.parametrize("role", [r for r in ROLES if r != "owner"])
def test_api_upload_refused_to_everyone_else_and_stores_nothing(world, role, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATASETS_UPLOAD_DIR = tmp_path / "matrix-uploads"
    client = _client(world["users"][role])
    before = _state()
    failures = []
    for level in LEVELS:
        url = reverse("api:upload_create", kwargs={"slug": world["datasets"][level].slug})
        data = {"file": SimpleUploadedFile("take.csv", b"a,b\n1,2\n")}
        response = client.post(url, data)
        want = 401 if role == "anonymous" else 404 if level not in SEE[role] else 403
        if response.status_code != want:
            failures.append(f"{role} POST {url}: {response.status_code}, expected {want}")
        for move in ("upload_publish", "upload_reparse", "upload_discard"):
            kwargs = {
                "slug": world["datasets"][level].slug,
                "upload_id": world["ids"][level]["upload_id"],
            }
            url = reverse(f"api:{move}", kwargs=kwargs)
            response = client.post(url, {"accept_schema_change": "true", "delimiter": ";"})
            if response.status_code != want:
                failures.append(f"{role} POST {url}: {response.status_code}, expected {want}")
    assert failures == [], "\n".join(failures)
    assert _state() == before
    assert not settings.DATASETS_UPLOAD_DIR.exists()
