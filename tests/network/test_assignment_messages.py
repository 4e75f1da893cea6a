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
    assert sorted(MESSAGES) == sorted(REASON_TEXTS)


@pytest.mark.parametrize("code", sorted(REASON_TEXTS))
def test_assignment_messages_msgid_is_the_engine_english(code: str) -> None:
    reason = Reason(code, {name: f"<{name}>" for name in PLACEHOLDER.findall(REASON_TEXTS[code])})

    with translation.override(None):
        shown = reasons_text([reason])

    assert shown == english([reason])


def test_assignment_reason_in_spanish_names_applications_and_reviewers(tmp_path: Path) -> None:
    conflict = np.zeros((5, 12), dtype=bool)
    conflict[:3, 3:] = True
    result = solve_assignment(
        affinity=np.ones((5, 12)), conflict=conflict, reviews_per_application=2, max_load=1
    )
    catalogue = {
        "applications %(applications)s need %(demand)s reviews between them but at most "
        "%(fit)s fit: their non-conflicted reviewers (%(reviewers)s) are full at %(limit)s": (
            "las solicitudes %(applications)s necesitan %(demand)s evaluaciones entre ellas pero "
            "caben como mucho %(fit)s: sus evaluadores sin conflicto (%(reviewers)s) están "
            "completos con %(limit)s"
        ),
        "a load of %(load)s": "una carga de %(load)s",
    }

    with spanish(tmp_path, catalogue):
        shown = reasons_text(
            result.reasons,
            applications=["A", "B", "C", "D", "E"],
            reviewers=[f"R{i}" for i in range(12)],
        )

    assert shown == (
        "las solicitudes A, B, C necesitan 6 evaluaciones entre ellas pero caben como mucho 3: "
        "sus evaluadores sin conflicto (R0, R1, R2) están completos con una carga de 1"
    )
    assert result.message == (
        "applications 0, 1, 2 need 6 reviews between them but at most 3 fit: "
        "their non-conflicted reviewers (0, 1, 2) are full at a load of 1"
    )


@pytest.mark.parametrize("code", sorted(REASON_TEXTS))
def test_assignment_judging_messages_keep_the_engines_placeholders(code: str) -> None:
    with translation.override(None):
        judging = str(JUDGING_MESSAGES[code])

    assert sorted(PLACEHOLDER.findall(judging)) == sorted(PLACEHOLDER.findall(REASON_TEXTS[code]))
