"""Ring-fences and the duty to break even, per regime, without a database."""

from datetime import date

import pytest

from openics.kernel.money import Money
from openics.regimes.registry import get_regime

ON = date(2025, 6, 1)


@pytest.mark.parametrize("regime_id", ["hsca-2012", "white-paper-2021", "hca-2022"])
def test_the_public_health_grant_pays_only_for_public_health(regime_id):
    regime = get_regime(regime_id)
    ok = regime.evaluate(
        "ledger.ring-fence",
        ON,
        fund="public_health_grant",
        fund_name="Grant",
        sector="public_health",
    )
    assert ok.violations == ()
    bad = regime.evaluate(
        "ledger.ring-fence", ON, fund="public_health_grant", fund_name="Grant", sector="acute"
    )
    [violation] = bad.violations
    assert "may be spent only on public health" in violation.explanation
    assert violation.citation.url


def test_a_section_75_pool_pays_for_what_its_agreement_names():
    regime = get_regime("hca-2022")
    facts = {"fund": "section_75_pool", "fund_name": "Pool"}
    assert (
        regime.evaluate(
            "ledger.ring-fence",
            ON,
            sector="social_care",
            agreement_sectors=("social_care",),
            **facts,
        ).violations
        == ()
    )
    [violation] = regime.evaluate(
        "ledger.ring-fence", ON, sector="acute", agreement_sectors=("social_care",), **facts
    ).violations
    assert "social care; this spending is for acute" in violation.explanation


def test_money_with_no_ring_fence_may_go_anywhere():
    assert (
        get_regime("hca-2022")
        .evaluate("ledger.ring-fence", ON, fund="", fund_name="Budget", sector="acute")
        .violations
        == ()
    )


@pytest.mark.parametrize(("regime_id", "section"), [("hca-2022", "s223GC"), ("hsca-2012", "s223H")])
def test_spending_more_than_received_breaks_the_duty(regime_id, section):
    regime = get_regime(regime_id)
    fine = regime.evaluate("ledger.break-even", ON, body="X", received=Money(100), spent=Money(100))
    assert fine.violations == ()
    [breach] = regime.evaluate(
        "ledger.break-even", ON, body="X", received=Money(100), spent=Money(101)
    ).violations
    assert "£0.01 over" in breach.explanation and section in breach.explanation
