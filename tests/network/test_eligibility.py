"""The pure eligibility function: one readable reason per criterion, passed or failed."""

from __future__ import annotations

from decimal import Decimal

from datacollab.network.eligibility import Criterion, evaluate


def _evaluate(
    criteria, *, kind="non_profit", country="KE", answers=None, amount="15000", labels=None
):
    return evaluate(
        criteria=criteria,
        organisation_kind=kind,
        country=country,
        answers=answers or {},
        requested_amount=Decimal(amount),
        question_labels=labels or {},
        currency="GBP",
    )


def test_evaluate_no_criteria_everyone_eligible():
    assert _evaluate([]) == (
        True,
        ["This call has no eligibility criteria: every organisation is eligible"],
    )


def test_org_kind_in_passes_when_kind_listed():
    assert _evaluate([Criterion("org_kind_in", ["non_profit", "research"])]) == (
        True,
        ["Organisation kind Non-profit is eligible"],
    )


def test_org_kind_in_fails_when_kind_not_listed():
    result = _evaluate([Criterion("org_kind_in", ["non_profit", "research"])], kind="company")
    assert result == (
        False,
        ["Organisation kind Company is not one of: Non-profit, Research institution"],
    )


def test_country_in_passes_when_country_listed():
    assert _evaluate([Criterion("country_in", ["KE", "NG"])]) == (
        True,
        ["Country Kenya is eligible"],
    )


def test_country_in_fails_when_country_not_listed():
    assert _evaluate([Criterion("country_in", ["KE", "NG"])], country="FR") == (
        False,
        ["Country France is not one of: Kenya, Nigeria"],
    )


def test_global_south_passes_for_kenya():
    assert _evaluate([Criterion("global_south", True)]) == (True, ["Kenya is in the Global South"])


def test_global_south_fails_for_france():
    assert _evaluate([Criterion("global_south", True)], country="FR") == (
        False,
        ["France is not in the Global South"],
    )


def test_amount_at_most_passes_at_the_limit():
    assert _evaluate([Criterion("amount_at_most", [15000])]) == (
        True,
        ["Requested amount £15,000.00 is at most £15,000.00"],
    )


def test_amount_at_most_fails_above_the_limit():
    assert _evaluate([Criterion("amount_at_most", 10000)]) == (
        False,
        ["Requested amount £15,000.00 is above the maximum of £10,000.00"],
    )


def test_answer_equals_passes_on_matching_choice():
    criterion = Criterion("answer_equals", ["Yes"], question_id=7)
    result = _evaluate([criterion], answers={7: "Yes"}, labels={7: "Is the data open?"})
    assert result == (True, ["Answer to “Is the data open?” is Yes, as required"])


def test_answer_equals_fails_on_other_choice():
    criterion = Criterion("answer_equals", ["Yes"], question_id=7)
    result = _evaluate([criterion], answers={7: "No"}, labels={7: "Is the data open?"})
    assert result == (False, ["Answer to “Is the data open?” is No, not one of: Yes"])


def test_answer_equals_passes_when_any_multiple_choice_option_matches():
    criterion = Criterion("answer_equals", ["Health"], question_id=3)
    result = _evaluate([criterion], answers={3: ["Climate", "Health"]}, labels={3: "Sectors"})
    assert result == (True, ["Answer to “Sectors” is Climate, Health, as required"])


def test_answer_missing_fails_with_reason():
    criterion = Criterion("answer_at_least", 2, question_id=5)
    assert _evaluate([criterion], labels={5: "Partners"}) == (False, ["No answer to “Partners”"])


def test_answer_at_least_passes_at_minimum():
    criterion = Criterion("answer_at_least", [2], question_id=5)
    assert _evaluate([criterion], answers={5: 2}, labels={5: "Partners"}) == (
        True,
        ["Answer to “Partners” is 2, at least 2"],
    )


def test_answer_at_least_fails_below_minimum():
    criterion = Criterion("answer_at_least", 3, question_id=5)
    assert _evaluate([criterion], answers={5: 2.5}, labels={5: "Partners"}) == (
        False,
        ["Answer to “Partners” is 2.5, below the minimum of 3"],
    )


def test_answer_at_least_fails_on_text_answer():
    criterion = Criterion("answer_at_least", 3, question_id=5)
    assert _evaluate([criterion], answers={5: "many"}, labels={5: "Partners"}) == (
        False,
        ["Answer to “Partners” is not a number"],
    )


def test_answer_criterion_without_question_fails_closed():
    criterion = Criterion("answer_equals", "Yes", description="Open data")
    assert _evaluate([criterion]) == (
        False,
        ["The criterion “Open data” names no question; ask the convener to fix it"],
    )


def test_unknown_kind_fails_closed():
    assert _evaluate([Criterion("astrology", description="Born in spring")]) == (
        False,
        ["Unknown criterion “Born in spring”; ask the convener"],
    )


def test_evaluate_one_failure_makes_ineligible_and_keeps_every_reason():
    criteria = [Criterion("country_in", ["KE"]), Criterion("org_kind_in", ["research"])]
    assert _evaluate(criteria) == (
        False,
        [
            "Country Kenya is eligible",
            "Organisation kind Non-profit is not one of: Research institution",
        ],
    )
