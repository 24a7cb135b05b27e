"""Anyone can ask a rule a question: `openics regimes evaluate|explain` and the API."""

import json

import pytest
from click.testing import CliRunner

from openics.cli import main
from openics.regimes import all_regimes
from openics.regimes.catalogue import RULES

pytestmark = pytest.mark.django_db


def _ask(rule, regime, on, facts, fmt="json"):
    return CliRunner().invoke(
        main,
        ["regimes", "evaluate", rule, "--regime", regime, "--on", on, "--facts", "-"]
        + ["--format", fmt],
        input=json.dumps(facts),
    )


@pytest.mark.parametrize(
    ("value_pence", "allowed"),
    [(2499, True), (2500, False), (2501, False)],  # hospitality of £25 or more is declared
)
def test_hospitality_of_exactly_25_pounds_must_be_declared(value_pence, allowed):
    facts = {
        "gift": {"kind": "hospitality", "value_pence": value_pence, "received_on": "2026-06-02"}
    }
    result = _ask("governance.gifts", "hca-2022", "2026-06-02", facts)
    assert result.exit_code == (0 if allowed else 2), result.output
    answer = json.loads(result.output)
    assert answer["allowed"] is allowed
    assert answer["regime_version"] and answer["parameters"][0]["name"] == "governance.gifts"


def test_a_2015_ccg_gift_of_20_pounds_is_over_the_10_pound_threshold():
    facts = {"gift": {"kind": "gift", "value_pence": 2000, "received_on": "2015-06-02"}}
    result = _ask("governance.gifts", "hsca-2012", "2015-06-02", facts, fmt="text")
    assert result.exit_code == 2, result.output
    assert "NOT allowed" in result.output and "is over £10 and must be declared" in result.output


def test_the_call_in_window_is_six_months_beginning_with_the_day():
    facts = {"power": {"kind": "reconfiguration_call_in", "made_on": "2024-01-31"}}
    result = _ask("governance.powers", "hca-2022", "2024-01-31", facts)
    assert result.exit_code == 0, result.output
    [note] = json.loads(result.output)["notes"]
    assert "ends on 2024-07-30" in note
    before = _ask(
        "governance.powers",
        "hca-2022",
        "2024-01-30",
        {"power": {**facts["power"], "made_on": "2024-01-30"}},
    )
    assert (
        before.exit_code == 2
        and "no power of this kind" in json.loads(before.output)["violations"][0]["explanation"]
    )


def test_bad_questions_are_refused_with_the_fact_named():
    missing = _ask("governance.powers", "hca-2022", "2024-01-31", {"power": {"kind": "x"}})
    assert missing.exit_code == 1 and "power.made_on" in missing.output
    unknown = _ask("governance.nope", "hca-2022", "2024-01-31", {})
    assert unknown.exit_code == 1 and "no rule" in unknown.output
    not_json = CliRunner().invoke(
        main,
        ["regimes", "evaluate", "governance.powers", "--regime", "hca-2022", "--on", "2024-01-31"]
        + ["--facts", "-"],
        input="{not json",
    )
    assert not_json.exit_code == 1 and "not JSON" in not_json.output


def test_explain_lists_the_facts_and_an_example_that_evaluates():
    result = CliRunner().invoke(
        main, ["regimes", "explain", "governance.gifts", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    names = [f["name"] for f in found["facts"][0]["fields"]]
    assert "value_pence" in names and "received_on" in names
    # every regime has the gifts rule: the three written out and the six based on them
    assert {r["regime_id"] for r in found["regimes"]} == {r.id for r in all_regimes()}
    assert len(found["regimes"]) == 9
    text = CliRunner().invoke(main, ["regimes", "explain", "governance.gifts"])
    assert "value_pence: whole number" in text.output


def test_the_api_answers_as_the_cli_does(client):
    facts = {"gift": {"kind": "hospitality", "value_pence": 2500, "received_on": "2026-06-02"}}
    response = client.post(
        "/api/regimes/hca-2022/rules/governance.gifts/evaluate",
        data=json.dumps({"on": "2026-06-02", "facts": facts}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == json.loads(
        _ask("governance.gifts", "hca-2022", "2026-06-02", facts).output
    ) | {"on": "2026-06-02"}


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        (
            "/api/regimes/nope/rules/governance.gifts/evaluate",
            {"on": "2026-06-02", "facts": {}},
            404,
        ),
        ("/api/regimes/hca-2022/rules/nope/evaluate", {"on": "2026-06-02", "facts": {}}, 404),
        (
            "/api/regimes/hca-2022/rules/governance.gifts/evaluate",
            {"on": "2026-06-02", "facts": {}},
            422,
        ),
        (
            "/api/regimes/hca-2022/rules/governance.gifts/evaluate",
            {"on": "not a day", "facts": {}},
            422,
        ),
    ],
)
def test_the_api_refuses_bad_questions_with_a_4xx(client, path, body, status):
    response = client.post(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content


def test_the_schema_has_an_example_for_every_rule(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/regimes/{regime_id}/rules/{rule_id}/evaluate"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert set(examples) == set(RULES)
