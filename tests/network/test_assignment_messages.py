"""The assignment engine's reasons reach conveners through gettext, with names (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from django.utils import translation

from datacollab.core.reasons import Reason
from datacollab.network.assignment_engine import REASON_TEXTS, english, solve_assignment
from datacollab.network.assignment_messages import JUDGING_MESSAGES, MESSAGES, reasons_text
from tests.i18n_catalogue import spanish

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_assignment_messages_mark_every_engine_code() -> None:
    assert sorted(MESSAGES) == sorted(JUDGING_MESSAGES) == sorted(REASON_TEXTS)


def _placeholders(text: str | tuple[str, str, str]) -> list[str]:
    return sorted(set(PLACEHOLDER.findall(text if isinstance(text, str) else " ".join(text))))


def _sample(code: str, count: int) -> Reason:
    text = REASON_TEXTS[code]
    params: dict[str, object] = {name: f"<{name}>" for name in _placeholders(text)}
    if isinstance(text, tuple):
        params[text[2]] = count
    return Reason(code, params)


@pytest.mark.parametrize("code", sorted(REASON_TEXTS))
def test_assignment_messages_msgid_is_the_engine_english(code: str) -> None:
    reasons = [_sample(code, 1), _sample(code, 2)]

    with translation.override(None):
        shown = [reasons_text([r]) for r in reasons]

    assert shown == [english([r]) for r in reasons]


def test_assignment_reason_in_spanish_names_applications_and_reviewers(tmp_path: Path) -> None:
    conflict = np.zeros((5, 12), dtype=bool)
    conflict[:3, 3:] = True
    result = solve_assignment(
        affinity=np.ones((5, 12)), conflict=conflict, reviews_per_application=2, max_load=1
    )
    full = (
        "applications %(applications)s need %(demand)s reviews between them but at most "
        "%(fit)s fit: their non-conflicted reviewers (%(reviewers)s) already have the maximum "
        "of %(load)s "
    )
    lleno = (
        "las solicitudes %(applications)s necesitan %(demand)s evaluaciones entre ellas pero "
        "caben como mucho %(fit)s: sus evaluadores sin conflicto (%(reviewers)s) ya tienen el "
        "máximo de %(load)s "
    )
    catalogue = {
        f"{full}review each\x00{full}reviews each": (
            f"{lleno}evaluación cada uno\x00{lleno}evaluaciones cada uno"
        ),
    }

    with spanish(tmp_path, catalogue):
        shown = reasons_text(
            result.reasons,
            applications=["A", "B", "C", "D", "E"],
            reviewers=[f"R{i}" for i in range(12)],
        )

    assert shown == (
        "las solicitudes A, B, C necesitan 6 evaluaciones entre ellas pero caben como mucho 3: "
        "sus evaluadores sin conflicto (R0, R1, R2) ya tienen el máximo de 1 evaluación cada uno"
    )
    assert result.message == (
        "applications 0, 1, 2 need 6 reviews between them but at most 3 fit: "
        "their non-conflicted reviewers (0, 1, 2) already have the maximum of 1 review each"
    )


def test_assignment_cut_reason_is_a_whole_sentence_per_limit_and_count() -> None:
    params = {"applications": "A, B", "demand": 6, "fit": 4, "reviewers": "R0, R1"}
    reasons = [
        Reason("cut.load", {**params, "load": 1}),
        Reason("cut.load", {**params, "load": 2}),
        Reason("cut.capacities", params),
    ]

    with translation.override("en-gb"):
        shown = [reasons_text([r]) for r in reasons]
        judging = [reasons_text([r], judging=True) for r in reasons]

    need = "applications A, B need 6 reviews between them but at most 4 fit: "
    assert shown == [
        f"{need}their non-conflicted reviewers (R0, R1) already have the maximum of 1 review each",
        f"{need}their non-conflicted reviewers (R0, R1) already have the maximum of 2 reviews each",
        f"{need}their non-conflicted reviewers (R0, R1) have no capacity left",
    ]
    need = "submissions A, B need 6 judgements between them but at most 4 fit: their judges "
    assert judging == [
        f"{need}without a conflict (R0, R1) already have the maximum of 1 entry each",
        f"{need}without a conflict (R0, R1) already have the maximum of 2 entries each",
        f"{need}without a conflict (R0, R1) can take no more",
    ]


@pytest.mark.parametrize("code", sorted(REASON_TEXTS))
def test_assignment_judging_messages_keep_the_engines_placeholders(code: str) -> None:
    reasons = [_sample(code, 1), _sample(code, 2)]

    with translation.override(None):
        judging = " ".join(reasons_text([r], judging=True) for r in reasons)

    # Every parameter is used (its "<name>" value, or the count) and none is left unfilled.
    assert sorted(set(re.findall(r"<(\w+)>", judging))) == [
        name
        for name in _placeholders(REASON_TEXTS[code])
        if not isinstance(reasons[0].params[name], int)
    ]
    assert "%(" not in judging
