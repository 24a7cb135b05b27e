"""The annual report (s14Z58) and the regard a decision records to the integrated care
strategy (s116B of the 2007 Act), asked as plain facts on either side of each boundary."""

from datetime import date

import pytest

from openics.regimes import evaluate_rule
from openics.regimes.model import RegimeError

HCA = "hca-2022"


def ask(rule, on, **facts):
    return evaluate_rule(HCA, rule, on, facts)


def why(result):
    return " | ".join(v["explanation"] for v in result["violations"])


@pytest.mark.parametrize(
    ("on", "report", "allowed", "says"),
    [
        # Not yet due on the day the date falls; due the day after.
        (date(2025, 6, 30), {"year": "2024/25"}, True, ""),
        (date(2025, 7, 1), {"year": "2024/25"}, False, "was due by 2025-06-30"),
        # On time, published and given to NHS England.
        (
            date(2026, 1, 1),
            {
                "year": "2024/25",
                "prepared_on": "2025-06-30",
                "published_on": "2025-07-02",
                "given_to": ["nhs_england"],
            },
            True,
            "",
        ),
        # A day late.
        (
            date(2026, 1, 1),
            {
                "year": "2024/25",
                "prepared_on": "2025-07-01",
                "published_on": "2025-07-01",
                "given_to": ["nhs_england"],
            },
            False,
            "(prepared on 2025-07-01)",
        ),
        # Prepared in time but neither published nor given.
        (
            date(2025, 8, 1),
            {"year": "2024/25", "prepared_on": "2025-06-01"},
            False,
            "has not been published",
        ),
        # A report cannot be made before the year it reports on has ended.
        (
            date(2025, 3, 1),
            {"year": "2024/25", "prepared_on": "2025-03-01"},
            False,
            "before the year it reports on ended",
        ),
        # ICBs began in July 2022: nothing is asked about 2021/22.
        (date(2026, 1, 1), {"year": "2021/22"}, True, ""),
    ],
)
def test_the_annual_report(on, report, allowed, says):
    result = ask("planning.annual-report", on, plan=report)
    assert result["allowed"] is allowed, why(result)
    assert says in why(result)
    if not allowed:
        assert "s14Z58" in why(result)


def test_the_annual_reports_date_is_marked_as_unconfirmed():
    result = ask("planning.annual-report", date(2025, 7, 1), plan={"year": "2024/25"})
    assert "the date is NHS England's [U]" in why(result)
    [violation] = result["violations"]
    assert violation["citation"]["url"].endswith("section/14Z58/2024-02-28/data.html")


def test_a_given_report_lacking_nhs_england_is_flagged():
    plan = {"year": "2023/24", "prepared_on": "2024-06-20", "published_on": "2024-06-21"}
    result = ask("planning.annual-report", date(2024, 9, 1), plan=plan)
    assert not result["allowed"] and "has not been given to NHS England" in why(result)


PLACE = {"title": "Place budgets 2025/26", "kind": "place_budget", "decided_on": "2025-03-20"}


@pytest.mark.parametrize(
    ("decision", "allowed", "says"),
    [
        (dict(PLACE, aims=[{"aim": "ICS-1.1", "how": "weighted for deprivation"}]), True, ""),
        (dict(PLACE), False, "cites none of the strategy's aims"),
        (
            dict(PLACE, aims=[{"aim": "ICS-1.1", "how": " "}]),
            False,
            "cites aim ICS-1.1 but does not record how",
        ),
        # One aim said how, another did not: the one that did not is named.
        (
            dict(PLACE, aims=[{"aim": "ICS-1.1", "how": "x"}, {"aim": "ICS-1.2"}]),
            False,
            "cites aim ICS-1.2",
        ),
        # Its own record says how, citing no aim.
        (dict(PLACE, regard="weighed the strategy's first aim"), True, ""),
        # An NHS trust's board decision is not an ICB's function.
        ({"title": "Estates", "body_kind": "nhs_trust"}, True, ""),
    ],
)
def test_a_decision_records_regard_to_the_strategy(decision, allowed, says):
    result = ask("planning.decision-regard", date(2025, 4, 1), decision=decision)
    assert result["allowed"] is allowed, why(result)
    assert says in why(result)
    if not allowed:
        assert "LGPIHA 2007 s116B(1)(b)" in why(result)
        assert {v["citation"]["confidence"] for v in result["violations"]} == {"C"}


def test_before_icbs_no_regard_to_a_strategy_was_asked():
    with pytest.raises(RegimeError, match="decision-regard"):
        evaluate_rule("hsca-2012", "planning.decision-regard", date(2022, 6, 1), {"decision": {}})
    result = ask("planning.decision-regard", date(2022, 7, 1), decision={"title": "x"})
    assert not result["allowed"]  # the day ICBs began
