"""Data Package v2 export: a zip of datapackage.json and data.csv, written from the Parquet.

`export_package` is the one entry point (web page and `datacollab export-package`): it applies
the access rule, writes the audit entry and streams the zip into a file object. The CSV is
written by DuckDB with formula-starting text cells escaped (datasets/csvsafe.py), so the
descriptor's Table Schema is adjusted to describe the CSV as written (ISO dates, plain numbers,
empty cells as missing): `frictionless validate` accepts the unzipped package.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from datacollab.datasets.csvsafe import escape_name, escape_sql, formula_sql
from datacollab.datasets.models import Dataset, DatasetVersion
from datacollab.datasets.rows import connect, one, quote
from datacollab.datasets.selectors.datasets import local_parquet, require_data_access
from datacollab.datasets.services.audit_access import record_data_access

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
CSV_NAME = "data.csv"
# Field properties that describe how the SOURCE file spelled values; our CSV spells them
# the standard way (ISO dates, "." decimals, true/false), so they would mislead a reader.
_SOURCE_SPELLING = ("decimalChar", "groupChar", "bareNumber", "trueValues", "falseValues")
_FORMATTED_TYPES = ("date", "datetime", "time")
# Constraints that an escaped cell ("'=x" instead of "=x") could break.
_TEXT_CONSTRAINTS = ("enum", "pattern", "maxLength")


def spdx_url(licence: str) -> str | None:
    """The SPDX licence page, for SPDX list identifiers (not "custom" nor LicenseRef-...)."""
    if not licence or licence == "custom" or licence.startswith("LicenseRef-"):
        return None
    return f"https://spdx.org/licenses/{licence}"


def _package_name(slug: str) -> str:
    return slug.lower()


def package_schema(schema: Mapping[str, Any], escaped: set[str]) -> dict[str, Any]:
    """The version's Table Schema as it describes our CSV; `escaped`: fields with escaped cells."""
    result = copy.deepcopy(dict(schema))
    result["missingValues"] = [""]  # DuckDB writes an empty cell for every missing value
    for f in result.get("fields", []):
        for key in _SOURCE_SPELLING:
            f.pop(key, None)
        f.pop("missingValues", None)
        if f.get("type") in _FORMATTED_TYPES:
            f.pop("format", None)
        name = f["name"]
        if name in escaped:
            if f.get("type", "string") not in ("string", "any"):
                # A typed value stored as text (a geopoint "-1.5,52", say) no longer parses
                # once escaped: the CSV describes it as the text it now is.
                f["type"] = "string"
                f.pop("format", None)
                f["constraints"] = {
                    k: v for k, v in f.get("constraints", {}).items() if k in ("required",)
                }
            constraints = f.get("constraints", {})
            for key in _TEXT_CONSTRAINTS:
                constraints.pop(key, None)
            note = _(
                "Cells that start like a formula (= + - @, also after spaces or in full-width "
                "form, or a tab or carriage return) carry a leading ' in this CSV, so "
                "spreadsheets do not run them as formulas."
            )
            f["description"] = f"{f['description']} {note}" if f.get("description") else note
        # The CSV's header holds the escaped name, and a Data Package's fields match the
        # header by name: the descriptor says the name as written, and what it was.
        f["name"] = escape_name(name)
        if f["name"] != name:
            f.setdefault("title", name)
    renamed = {f: escape_name(f) for f in _key_names(result)}
    if any(old != new for old, new in renamed.items()):
        _rename_keys(result, renamed)
    return result


def _key_names(schema: Mapping[str, Any]) -> set[str]:
    key = schema.get("primaryKey") or []
    names = {key} if isinstance(key, str) else set(key)
    for foreign in schema.get("foreignKeys") or []:
        fields = foreign.get("fields") or []
        names |= {fields} if isinstance(fields, str) else set(fields)
    return names


def _rename_keys(schema: dict[str, Any], renamed: Mapping[str, str]) -> None:
    key = schema.get("primaryKey")
    if isinstance(key, str):
        schema["primaryKey"] = renamed.get(key, key)
    elif isinstance(key, list):
        schema["primaryKey"] = [renamed.get(k, k) for k in key]
    for foreign in schema.get("foreignKeys") or []:
        fields = foreign.get("fields")
        if isinstance(fields, str):
            foreign["fields"] = renamed.get(fields, fields)
        elif isinstance(fields, list):
            foreign["fields"] = [renamed.get(k, k) for k in fields]


def _csv_select(con: Any, parquet: Path) -> tuple[str, list[str]]:
    """SELECT list for the CSV (escaped text, JSON for nested values) and the text columns.

    Each column is named in the header as `escape_name` says, so a column named like a
    formula is as harmless in the header row as in the cells.
    """
    columns = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(parquet)]).fetchall()
    parts: list[str] = []
    text: list[str] = []
    for name, dtype, *_rest in columns:
        q, alias = quote(name), quote(escape_name(name))
        if dtype == "VARCHAR":
            parts.append(f"{escape_sql(q)} AS {alias}")
            text.append(name)
        elif dtype.endswith("[]") or dtype.startswith(("STRUCT", "MAP")):
            parts.append(f"CAST(to_json({q}) AS VARCHAR) AS {alias}")
        else:
            parts.append(f"{q} AS {alias}")
    return ", ".join(parts), text


def _escaped_fields(con: Any, parquet: Path, text: list[str]) -> set[str]:
    if not text:
        return set()
    counts = ", ".join(f"count(*) FILTER (WHERE {formula_sql(quote(c))})" for c in text)
    row = one(con, f"SELECT {counts} FROM read_parquet(?)", [str(parquet)])  # noqa: S608
    return {name for name, n in zip(text, row, strict=True) if n}


def write_csv(parquet: Path, target: Path) -> set[str]:
    """Write the version as CSV (header, comma, UTF-8); return the fields with escaped cells."""
    with connect() as con:
        select, text = _csv_select(con, parquet)
        escaped = _escaped_fields(con, parquet, text)
        relation = con.sql(
            f"SELECT {select} FROM read_parquet($path)",  # noqa: S608
            params={"path": str(parquet)},
        )
        relation.to_csv(str(target), header=True, sep=",")
    return escaped


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def descriptor(
    *, dataset: Dataset, version: DatasetVersion, csv: Path, escaped: set[str], homepage: str = ""
) -> dict[str, Any]:
    package: dict[str, Any] = {
        "$schema": PROFILE,
        "name": _package_name(dataset.slug),
        "title": dataset.title,
        "version": str(version.number),
        "created": version.created_at.isoformat(),
    }
    if homepage:
        package["homepage"] = homepage
        package["id"] = homepage
    if dataset.description:
        package["description"] = dataset.description
    if dataset.keywords:
        package["keywords"] = [str(k) for k in dataset.keywords]
    url = spdx_url(dataset.licence)
    if url:
        package["licenses"] = [{"name": dataset.licence, "path": url, "title": dataset.licence}]
    package["contributors"] = [{"title": dataset.owner.name, "roles": ["publisher"]}]
    if dataset.owner.website:
        package["contributors"][0]["path"] = dataset.owner.website
    if version.source_name:
        package["sources"] = [{"title": version.source_name}]
    package["resources"] = [
        {
            "name": "data",
            "type": "table",
            "path": CSV_NAME,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": csv.stat().st_size,
            "hash": f"sha256:{_sha256(csv)}",
            "schema": package_schema(version.schema, escaped),
        }
    ]
    return package


def write_package(
    *,
    dataset: Dataset,
    version: DatasetVersion,
    parquet: Path,
    target: IO[bytes],
    homepage: str = "",
) -> None:
    """The zip (datapackage.json, data.csv) into `target`; no access check (see export_package)."""
    with tempfile.TemporaryDirectory(prefix="datapackage-") as tmp:
        csv = Path(tmp) / CSV_NAME
        escaped = write_csv(parquet, csv)
        meta = descriptor(
            dataset=dataset, version=version, csv=csv, escaped=escaped, homepage=homepage
        )
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("datapackage.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
            zf.write(csv, CSV_NAME)


def export_package(
    *,
    actor: Any,
    dataset: Dataset,
    version: DatasetVersion,
    target: IO[bytes],
    channel: str,
    homepage: str = "",
) -> None:
    """Check the access rule, record the read (non-open data) and write the package.

    Raises `DataRefused` (403, with the reason and what to do) when the rule refuses.
    `actor=None` is the server operator (the command line): whoever runs commands on the
    server already holds the data, so the rule does not apply, but the read is still recorded.
    """
    if actor is None:
        record_data_access(actor=None, dataset=dataset, version=version, channel=channel)
    else:
        require_data_access(actor, dataset, version, channel=channel)
    with local_parquet(version) as parquet:
        write_package(
            dataset=dataset, version=version, parquet=parquet, target=target, homepage=homepage
        )
