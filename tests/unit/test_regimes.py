"""The rulebooks: loaded from YAML, dated, cited, and evaluated without a database."""

from datetime import date

import pytest

from openics.regimes import RegimeError, all_regimes, get_regime, regime_in_force_on
from openics.regimes.model import Confidence, Parameter
from openics.regimes.registry import parse_regime
from openics.regimes.vocabulary import BodyKind


def test_three_regimes_are_registered_in_order_of_their_era():
    ids = [r.id for r in all_regimes()]
    assert ids[:5] == [
        "hsca-2012",
        "option-1-2020",
        "critics-2021",
        "white-paper-2021",
        "hca-2022",
    ]
    assert len(ids) == 9


def test_in_force_dates():
    assert get_regime("hsca-2012").in_force_from == date(2013, 4, 1)
    assert get_regime("hsca-2012").in_force_to == date(2022, 6, 30)
    assert get_regime("hca-2022").in_force_from == date(2022, 7, 1)
    assert get_regime("hca-2022").in_force_to is None
    proposal = get_regime("white-paper-2021")
    assert proposal.status == "proposal"
    assert proposal.in_force_from is None
    assert proposal.published_on == date(2021, 2, 11)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2013, 3, 31), None),
        (date(2013, 4, 1), "hsca-2012"),
        (date(2022, 6, 30), "hsca-2012"),
        (date(2022, 7, 1), "hca-2022"),
        (date(2026, 11, 23), "hca-2022"),
    ],
)
def test_which_law_was_in_force(day, expected):
    regime = regime_in_force_on(day)
    assert (regime.id if regime else None) == expected


def test_unknown_regime_names_the_known_ones():
    with pytest.raises(RegimeError, match="hca-2022"):
        get_regime("hca-2099")


def test_every_rule_of_every_regime_has_a_citation():
    for regime in all_regimes():
        assert regime.rules, regime.id
        for rule in regime.rules.values():
            assert rule.citation.source, (regime.id, rule.id)
            assert rule.citation.url.startswith("https://"), (regime.id, rule.id)


class TestParameters:
    def test_value_changes_on_its_start_date(self):
        p = Parameter("x", "", ((date(2020, 1, 1), 1), (date(2024, 1, 1), 2)))
        assert p.at(date(2020, 1, 1)) == 1
        assert p.at(date(2023, 12, 31)) == 1
        assert p.at(date(2024, 1, 1)) == 2

    def test_no_value_before_the_first_date(self):
        p = Parameter("x", "", ((date(2020, 1, 1), 1),))
        with pytest.raises(RegimeError, match="no value on 2019-12-31"):
            p.at(date(2019, 12, 31))

    def test_primary_care_networks_appear_in_2019_under_the_2012_act(self):
        kinds = get_regime("hsca-2012").parameter("organisations.body_kinds")
        assert "pcn" not in kinds.at(date(2019, 6, 30))
        assert "pcn" in kinds.at(date(2019, 7, 1))


class TestOrganisationRules:
    def test_a_ccg_commissions_under_the_2012_act(self):
        result = get_regime("hsca-2012").evaluate(
            "organisations.may-commission", date(2020, 1, 1), kind="ccg"
        )
        assert result.allowed
        assert result.violations == ()

    def test_a_ccg_does_not_exist_under_the_2022_act(self):
        result = get_regime("hca-2022").evaluate(
            "organisations.may-commission", date(2023, 1, 1), kind="ccg"
        )
        assert not result.allowed
        [violation] = result.violations
        assert violation.rule_id == "organisations.may-commission"
        assert "abolished on 1 July 2022" in violation.explanation
        assert violation.citation.url.startswith("https://www.legislation.gov.uk/")

    def test_an_icb_commissions_under_the_2022_act_but_not_the_2012_act(self):
        assert (
            get_regime("hca-2022")
            .evaluate("organisations.may-commission", date(2023, 1, 1), kind="icb")
            .allowed
        )
        result = get_regime("hsca-2012").evaluate(
            "organisations.may-commission", date(2020, 1, 1), kind="icb"
        )
        assert not result.allowed
        assert "Health and Care Act 2022" in result.violations[0].explanation

    def test_an_nhs_trust_exists_but_does_not_commission(self):
        regime = get_regime("hca-2022")
        assert regime.evaluate(
            "organisations.body-kind-exists", date(2023, 1, 1), kind="nhs_trust"
        ).allowed
        result = regime.evaluate("organisations.may-commission", date(2023, 1, 1), kind="nhs_trust")
        assert not result.allowed
        assert "integrated care board" in result.violations[0].explanation

    def test_a_proposal_is_applied_as_written_with_a_note(self):
        result = get_regime("white-paper-2021").evaluate(
            "organisations.body-kind-exists", date(2019, 1, 1), kind="ccg"
        )
        assert not result.allowed
        assert result.notes and "not in force" in result.notes[0]

    def test_unknown_kind_is_a_violation_not_a_crash(self):
        result = get_regime("hca-2022").evaluate(
            "organisations.body-kind-exists", date(2023, 1, 1), kind="spaceport"
        )
        assert not result.allowed

    def test_missing_facts_are_a_clear_error(self):
        with pytest.raises(TypeError, match="needs the facts kind"):
            get_regime("hca-2022").evaluate("organisations.may-commission", date(2023, 1, 1))

    def test_every_kind_listed_by_a_regime_is_in_the_vocabulary(self):
        known = {k.value for k in BodyKind}
        for regime in all_regimes():
            for _day, kinds in regime.parameter("organisations.body_kinds").values:
                assert set(kinds) <= known, regime.id


class TestLoading:
    def _minimal(self, **overrides):
        data = {
            "id": "x",
            "title": "X",
            "status": "alternative",
            "legal_basis": "none",
            "summary": "s",
            "in_force": {"from": None, "to": None},
            "parameters": {},
            "rules": {},
        }
        data.update(overrides)
        return data

    def test_a_missing_key_is_named(self):
        data = self._minimal()
        del data["title"]
        with pytest.raises(RegimeError, match="'title'"):
            parse_regime(data, "x.yaml")

    def test_a_rule_without_a_function_is_refused(self):
        data = self._minimal(rules={"no.such-rule": {"citation": {"source": "s"}}})
        with pytest.raises(RegimeError, match="no function"):
            parse_regime(data, "x.yaml")

    def test_confidence_marks_are_read(self):
        data = self._minimal(
            rules={
                "organisations.may-commission": {
                    "citation": {"source": "memory", "confidence": "U"}
                }
            }
        )
        regime = parse_regime(data)
        assert (
            regime.rule("organisations.may-commission").citation.confidence
            == Confidence.UNCONFIRMED
        )
