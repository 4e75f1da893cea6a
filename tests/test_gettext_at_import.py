"""No `gettext` runs when a module is imported: its answer would be fixed in the language
active then (English, at start-up) and every reader would get that. Module-level texts use
`gettext_lazy` (or `gettext_noop`, translated where shown)."""

from __future__ import annotations

import ast
from pathlib import Path

from datacollab.datasets.ingest.messages import refusal_message
from datacollab.privacy.views import RULE_LABELS
from tests.i18n_catalogue import spanish

SRC = Path(__file__).resolve().parent.parent / "src" / "datacollab"
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _eager_names(tree: ast.Module) -> set[str]:
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER
    }


def _calls_outside_functions(node: ast.AST, names: set[str]) -> list[int]:
    lines = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, FUNCTIONS):
            continue  # runs when called, in the caller's language
        call = isinstance(child, ast.Call) and isinstance(child.func, ast.Name)
        if call and child.func.id in names:  # type: ignore[attr-defined]
            lines.append(child.lineno)
        lines += _calls_outside_functions(child, names)
    return lines


def test_no_module_calls_gettext_when_imported():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _eager_names(tree)
        if names:
            found += [
                f"{path.relative_to(SRC)}:{line}" for line in _calls_outside_functions(tree, names)
            ]

    assert found == []


def test_suppression_rules_are_named_in_the_readers_language(tmp_path):
    with spanish(tmp_path, {"too few contributors": "muy pocos contribuyentes"}):
        shown = str(RULE_LABELS["threshold"])

    assert shown == "muy pocos contribuyentes"


def test_refusal_of_a_binary_file_says_the_formats_in_the_readers_language(tmp_path):
    catalogue = {
        "The file is not text: it contains binary data. ": "El archivo no es texto. ",
        "Upload a CSV, TSV, Parquet or XLSX file.": "Suba un archivo CSV, TSV, Parquet o XLSX.",
    }
    with spanish(tmp_path, catalogue):
        shown = refusal_message({"code": "binary", "params": {}})

    assert shown == "El archivo no es texto. Suba un archivo CSV, TSV, Parquet o XLSX."
