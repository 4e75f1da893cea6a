"""The selection engine's reasons reach conveners through gettext (issue 14)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from datacollab.core.reasons import Reason
from datacollab.network.selection_messages import MESSAGES, reason_text, stored_text
from datacollab.network.selection_reasons import REASON_TEXTS, english
from datacollab.network.services.selection import propose_selection
from tests.i18n_catalogue import spanish
from tests.network.factories_selection import GS_SPECS, scored_call

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _sample(code: str, count: int = 2) -> Reason:
    text = REASON_TEXTS[code]
    sentence = text if isinstance(text, str) else " ".join(text[:2])
    # Values that no kind or country name replaces, so English reads as the engine wrote it.
    params: dict[str, object] = {name: f"<{name}>" for name in PLACEHOLDER.findall(sentence)}
    if isinstance(text, tuple):
        params[text[2]] = count
    return Reason(code, params)


def test_selection_messages_mark_every_engine_code() -> None:
    assert sorted(MESSAGES) == sorted(REASON_TEXTS)


@pytest.mark.parametrize("code", sorted(REASON_TEXTS))
def test_selection_messages_msgid_is_the_engine_english(code: str) -> None:
    reasons = [_sample(code, 1), _sample(code, 2)]

    with translation.override(None):
        shown = [reason_text(r) for r in reasons]

    assert shown == [english(r) for r in reasons]


@pytest.mark.django_db
def test_selection_page_shows_reasons_in_the_readers_language(convener, login, tmp_path: Path):
    call, _apps = scored_call(GS_SPECS)
    propose_selection(actor=convener, call=call, min_global_south_share=0.5)
    catalogue = {
        "in: needed for the Global South minimum (rank %(rank)s by merit)": (
            "dentro: necesaria para el mínimo del Sur Global (puesto %(rank)s por mérito)"
        ),
    }

    with spanish(tmp_path, catalogue):
        response = login(convener).get(
            reverse("call-selection", args=[call.slug]), headers={"accept-language": "es"}
        )

    assert response.status_code == 200
    content = response.content.decode()
    assert "dentro: necesaria para el mínimo del Sur Global (puesto 3 por mérito)" in content
    assert "in: needed for the Global South minimum" not in content


@pytest.mark.django_db
def test_selection_infeasible_reason_translated_with_plural_and_kind(convener, tmp_path: Path):
    call, _apps = scored_call(GS_SPECS)
    proposal = propose_selection(actor=convener, call=call, kind_min={"company": 1})
    stored = proposal.result["infeasible_codes"]
    catalogue = {
        "No cohort meets all the constraints.": "Ninguna cohorte cumple todas las restricciones.",
        "Only %(available)s application is of kind %(kind)s, fewer than the minimum "
        "%(minimum)s.\x00Only %(available)s applications are of kind %(kind)s, fewer than the "
        "minimum %(minimum)s.": "Solo %(available)s solicitud es de tipo %(kind)s, menos que el "
        "mínimo %(minimum)s.\x00Solo %(available)s solicitudes son de tipo %(kind)s, menos que "
        "el mínimo %(minimum)s.",
    }

    with spanish(tmp_path, catalogue):
        shown = [stored_text(r, "") for r in stored[:2]]

    assert shown == [
        "Ninguna cohorte cumple todas las restricciones.",
        "Solo 0 solicitudes son de tipo Company, menos que el mínimo 1.",
    ]
    assert proposal.result["infeasible_reason"].startswith(
        "No cohort meets all the constraints. Only 0 applications are of kind company"
    )


def _codes_in_source(module: Path) -> set[str]:
    """Every literal code (f-strings: every expansion of a min/max choice) given to Reason()."""
    codes: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Reason" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant):
                codes.add(first.value)
            elif isinstance(first, ast.JoinedStr):
                text = "".join(
                    v.value if isinstance(v, ast.Constant) else "{}" for v in first.values
                )
                codes |= {text.format(label) for label in ("min", "max")}
    return codes


def test_selection_engine_uses_only_codes_with_english() -> None:
    engine = Path(__file__).resolve().parents[2] / "src/datacollab/network/selection_engine.py"

    codes = _codes_in_source(engine)

    assert len(codes) > 30
    assert sorted(codes - REASON_TEXTS.keys()) == []


def test_selection_kind_minimum_reason_is_a_whole_sentence_per_kind_and_count() -> None:
    reasons = [
        Reason("in.kind_min", {"rank": 4, "minimum": minimum, "kind": kind})
        for minimum, kind in ((1, "company"), (2, "company"), (2, "government"), (3, "guild"))
    ]

    with translation.override("en-gb"):
        shown = [reason_text(r) for r in reasons]

    assert shown == [
        "in: needed for the minimum of 1 company (rank 4 by merit)",
        "in: needed for the minimum of 2 companies (rank 4 by merit)",
        "in: needed for the minimum of 2 government bodies (rank 4 by merit)",
        "in: needed for the minimum of 3 of kind guild (rank 4 by merit)",
    ]


def test_selection_kind_minimum_reason_in_spanish_agrees_with_the_kind(tmp_path: Path) -> None:
    reasons = [
        Reason("in.kind_min", {"rank": 4, "minimum": minimum, "kind": "non_profit"})
        for minimum in (1, 2)
    ]
    catalogue = {
        "in: needed for the minimum of %(minimum)s non-profit (rank %(rank)s by merit)\x00"
        "in: needed for the minimum of %(minimum)s non-profits (rank %(rank)s by merit)": (
            "dentro: necesaria para el mínimo de %(minimum)s entidad sin ánimo de lucro "
            "(puesto %(rank)s por mérito)\x00dentro: necesaria para el mínimo de %(minimum)s "
            "entidades sin ánimo de lucro (puesto %(rank)s por mérito)"
        ),
    }

    with spanish(tmp_path, catalogue):
        shown = [reason_text(r) for r in reasons]

    assert shown == [
        "dentro: necesaria para el mínimo de 1 entidad sin ánimo de lucro (puesto 4 por mérito)",
        "dentro: necesaria para el mínimo de 2 entidades sin ánimo de lucro (puesto 4 por mérito)",
    ]


def test_selection_share_refusal_is_in_percent_like_the_form() -> None:
    reason = Reason("input.share", {"value": "150"})

    with translation.override("en-gb"):
        shown = reason_text(reason)

    assert shown == "The Global South share must be between 0% and 100%, not 150%."
