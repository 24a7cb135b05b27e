"""Anyone can ask a rule a question: each rule declares its facts, gives an example, and
answers from plain data with its citation, the regime version and the parameters it used."""

from datetime import date

import pytest

from openics.regimes import RegimeError, all_regimes, evaluate_rule, explain_rule
from openics.regimes.catalogue import RULES

DAY = {
    "hsca-2012": date(2020, 6, 1),
    "white-paper-2021": date(2021, 6, 16),
    "hca-2022": date(2026, 6, 1),
    "option-1-2020": date(2020, 11, 26),
    "critics-2021": date(2026, 6, 1),
    "nhs-reinstatement-bill": date(2026, 6, 1),
    "five-changes-2018": date(2020, 6, 1),
    "hancock-2019": date(2026, 6, 1),
    "health-bill-2026": date(2026, 6, 1),
}
PAIRS = [(r.id, rule_id) for r in all_regimes() for rule_id in sorted(r.rules)]


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_declares_its_facts_with_types_and_meanings(rule_id):
    spec = RULES[rule_id]
    assert spec.facts, rule_id
    for fact in spec.facts:
        assert fact.name and fact.type and fact.meaning
    assert set(spec.example) <= {f.name for f in spec.facts}
    explained = explain_rule(rule_id)
    assert explained["facts"] and explained["example"] == spec.example


@pytest.mark.parametrize(("regime_id", "rule_id"), PAIRS)
def test_every_example_can_be_asked_of_every_regime_that_has_the_rule(regime_id, rule_id):
    result = evaluate_rule(regime_id, rule_id, DAY[regime_id], RULES[rule_id].example)
    assert result["regime_id"] == regime_id
    assert result["regime_version"] == "2026.12"
    assert isinstance(result["allowed"], bool)
    for v in result["violations"]:
        assert v["rule_id"] == rule_id and v["citation"]["source"] and v["explanation"]
    assert isinstance(result["parameters"], list)


def test_the_examples_of_the_new_duties_are_allowed_today():
    for rule_id in RULES:
        if rule_id.split(".")[0] in ("duties", "planning") or rule_id in (
            "ledger.resource-limits",
            "organisations.ft-principal-purpose",
        ):
            result = evaluate_rule("hca-2022", rule_id, date(2026, 6, 1), RULES[rule_id].example)
            assert result["allowed"], (rule_id, result["violations"])


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({}, "missing fact gift"),
        ({"gift": {}, "extra": 1}, "unknown fact extra"),
        ({"gift": {"kind": "gift", "value_pence": 100}}, "missing fact gift.received_on"),
        (
            {"gift": {"kind": "gift", "value_pence": "ten", "received_on": "2025-01-01"}},
            "fact gift.value_pence: expected a whole number",
        ),
        (
            {"gift": {"kind": "gift", "value_pence": 100, "received_on": "1 Jan"}},
            "fact gift.received_on: expected a date",
        ),
        (
            {"gift": {"kind": "gift", "value_pence": 100, "received_on": "2025-01-01", "x": 1}},
            "unknown fact gift.x",
        ),
        (
            {"gift": {"kind": "gift", "value_pence": 1.5, "received_on": "2025-01-01"}},
            "expected a whole number",
        ),
        (
            {
                "gift": {
                    "kind": "gift",
                    "value_pence": 100,
                    "received_on": "2025-01-01",
                    "declared": "no",
                }
            },
            "fact gift.declared: expected true or false",
        ),
    ],
)
def test_bad_facts_are_refused_naming_the_fact(facts, message):
    with pytest.raises(ValueError, match=message):
        evaluate_rule("hca-2022", "governance.gifts", date(2025, 6, 2), facts)


def test_nested_facts_are_named_by_their_path():
    facts = {
        "decision": RULES["procurement.process"].example["decision"]
        | {"situation": {"framework": "yes"}}
    }
    with pytest.raises(ValueError, match=r"decision\.situation\.framework"):
        evaluate_rule("hca-2022", "procurement.process", date(2025, 6, 2), facts)


def test_unknown_regime_or_rule_is_a_regime_error():
    with pytest.raises(RegimeError):
        evaluate_rule("hca-2099", "governance.gifts", date(2025, 6, 2), {})
    with pytest.raises(RegimeError):
        evaluate_rule("hsca-2012", "duties.triple-aim", date(2020, 6, 2), {})
    with pytest.raises(RegimeError):
        explain_rule("no.such-rule")


def test_a_result_states_the_parameter_values_it_used():
    result = evaluate_rule(
        "hca-2022",
        "governance.gifts",
        date(2025, 6, 2),
        {"gift": {"kind": "hospitality", "value_pence": 2500, "received_on": "2025-06-02"}},
    )
    [used] = result["parameters"]
    assert used["name"] == "governance.gifts"
    assert used["applies_from"] == "2024-09-01"
    assert used["value"]["hospitality_declare_from_pence"] == 2500
    assert used["citation"]["url"].startswith("https://")


def test_explain_lists_nested_fields_with_defaults():
    facts = {f["name"]: f for f in explain_rule("procurement.process")["facts"]}
    fields = {f["name"]: f for f in facts["decision"]["fields"]}
    assert fields["process"]["required"] is True
    assert fields["decision_process"]["required"] is False
    situation = {f["name"]: f for f in fields["situation"]["fields"]}
    assert situation["most_suitable_provider_identifiable"]["type"] == "true or false"
    assert "reg 6(6)" in situation["most_suitable_provider_identifiable"]["meaning"]
