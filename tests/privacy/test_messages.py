"""Every refusal the privacy engine can give has a translated message (issue 14)."""

from __future__ import annotations

import ast
from pathlib import Path

from datacollab.privacy.engine import QueryProblem
from datacollab.privacy.messages import MESSAGES, PARTS, SETTINGS, problem_text
from tests.i18n_catalogue import spanish

ENGINE = Path(__file__).resolve().parents[2] / "src" / "datacollab" / "privacy" / "engine"


def _raised() -> list[tuple[str, dict[str, object]]]:
    """(code, literal keyword values) of every QueryProblem the engine's source builds."""
    found = []
    for path in sorted(ENGINE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "QueryProblem"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                literals = {
                    k.arg: k.value.value
                    for k in node.keywords
                    if k.arg and isinstance(k.value, ast.Constant)
                }
                found.append((node.args[0].value, literals))
    return found


def test_privacy_messages_every_engine_code_has_a_message() -> None:
    codes = {code for code, _params in _raised()}

    assert len(codes) > 30
    assert sorted(codes - MESSAGES.keys()) == []


def test_privacy_messages_every_english_part_and_setting_is_translatable() -> None:
    parts = {str(p["part"]) for code, p in _raised() if "part" in p and code != "not_a_list"}
    settings = {str(p["setting"]) for _code, p in _raised() if " " in str(p.get("setting", ""))}

    assert sorted(parts - PARTS.keys()) == []
    assert sorted(settings - SETTINGS.keys()) == []


def test_privacy_refusal_in_spanish_translates_the_part(tmp_path: Path) -> None:
    problem = QueryProblem("too_many", part="measures", maximum=4)
    catalogue = {
        "At most %(maximum)s %(part)s per query.": "Como máximo %(maximum)s %(part)s por consulta.",
        "measures": "medidas",
    }

    with spanish(tmp_path, catalogue):
        shown = problem_text(problem)

    assert shown == "Como máximo 4 medidas por consulta."
