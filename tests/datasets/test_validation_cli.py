"""`datacollab validate FILE --schema SCHEMA`: readable report, JSON, exit status, refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "age", "type": "integer"},
    ]
}


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "good.csv").write_text("id,age\n1,30\n2,\n", encoding="utf-8")
    (tmp_path / "bad.csv").write_text("id,age\n1,17.5\n,3\n", encoding="utf-8")
    (tmp_path / "schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    return tmp_path


def run(*args: str) -> str:
    out = StringIO()
    call_command("validate", *args, stdout=out)
    return out.getvalue()


def test_validate_command_prints_valid_for_a_valid_file(files: Path) -> None:
    out = run(str(files / "good.csv"), "--schema", str(files / "schema.json"))

    assert out.startswith(f"VALID: {files / 'good.csv'}: 2 rows, 2 fields, no errors (")


def test_validate_command_tables_the_errors_and_fails(files: Path) -> None:
    out = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command(
            "validate", str(files / "bad.csv"), "--schema", str(files / "schema.json"), stdout=out
        )

    rows = [line for line in out.getvalue().splitlines() if line.startswith("│")]
    assert [[cell.strip() for cell in row.split("│")[1:-1]] for row in rows] == [
        ["2", "age", "type-error", "17.5", 'type is "integer/default"'],
        ["3", "id", "constraint-error", "", 'constraint "required" is "True"'],
    ]
    assert str(failed.value).startswith(
        f"2 error(s) in {files / 'bad.csv'} (constraint-error 1, type-error 1); 2 rows checked"
    )


def test_validate_command_prints_parseable_json(files: Path) -> None:
    out = StringIO()

    with pytest.raises(CommandError):
        call_command(
            "validate",
            str(files / "bad.csv"),
            "--schema",
            str(files / "schema.json"),
            "--json",
            stdout=out,
        )

    report = json.loads(out.getvalue())
    assert report["valid"] is False
    assert [(e["type"], e["rowNumber"], e["fieldName"]) for e in report["tasks"][0]["errors"]] == [
        ("type-error", 2, "age"),
        ("constraint-error", 3, "id"),
    ]


def test_validate_command_without_schema_checks_the_structure(files: Path) -> None:
    (files / "ragged.csv").write_text("a,b\n1,2\n3\n", encoding="utf-8")
    out = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("validate", str(files / "ragged.csv"), stdout=out)

    assert out.getvalue().splitlines()[0] == (
        "No --schema given: checking against the schema inferred from the file "
        "(structural errors only; see it with --infer)."
    )
    assert "(missing-cell 1)" in str(failed.value)


def test_validate_command_prints_the_inferred_schema(files: Path) -> None:
    out = run(str(files / "good.csv"), "--infer")

    assert [(f["name"], f["type"]) for f in json.loads(out)["fields"]] == [
        ("id", "integer"),
        ("age", "integer"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--schema", "schema.json"], "No such file: {d}/missing.csv."),
        (["good.csv", "--schema", "nope.json"], "No such schema file: {d}/nope.json."),
        (
            ["good.csv", "--schema", "broken.json"],
            "The schema {d}/broken.json is not valid JSON: Expecting value at line 1, column 12.",
        ),
        (
            ["good.csv", "--schema", "list.json"],
            "The schema {d}/list.json must be a JSON object with a `fields` list.",
        ),
        (["good.csv", "--schema", "wrong.json"], "field 'id': unknown type 'int'"),
        (
            ["data.txt"],
            "Cannot tell the format of data.txt from its extension: "
            "pass --format csv, tsv or parquet.",
        ),
        (["good.csv", "--delimiter", ";;"], "The delimiter must be one character, not ';;'."),
    ],
)
def test_validate_command_refuses_with_a_clear_message(
    files: Path, args: list[str], message: str
) -> None:
    (files / "broken.json").write_text('{"fields": ', encoding="utf-8")
    (files / "list.json").write_text("[]", encoding="utf-8")
    (files / "wrong.json").write_text('{"fields": [{"name": "id", "type": "int"}]}', "utf-8")

    with pytest.raises(CommandError) as refused:
        run(*[str(files / a) if not a.startswith("-") and a != ";;" else a for a in args])

    assert str(refused.value) == message.format(d=files)


def test_validate_command_exits_1_without_a_traceback(files: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "datacollab.config.settings"}
    command = [sys.executable, "-m", "datacollab", "validate"]

    bad = subprocess.run(
        [*command, str(files / "bad.csv"), "--schema", str(files / "schema.json"), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    good = subprocess.run(
        [*command, str(files / "good.csv"), "--schema", str(files / "schema.json")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert (bad.returncode, good.returncode) == (1, 0)
    assert json.loads(bad.stdout)["valid"] is False
    assert bad.stderr.startswith("CommandError: 2 error(s) in ")
    assert "Traceback" not in bad.stderr
