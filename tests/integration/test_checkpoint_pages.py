"""Checkpoints published: the portal's page and log, the API, and every open-data export."""

from __future__ import annotations

import io
import json

import pytest

from openics.arranging.ocds import release_package
from openics.core import checkpoints, signing
from openics.core.models import Checkpoint
from openics.ledger import services as books
from openics.ledger.exports import write_beancount
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

pytestmark = pytest.mark.django_db
AS = {"actor": ACTOR, "reason": "test"}


@pytest.fixture
def world():
    made = build_world()
    budget = fund_place(made, "£100,000.00")
    deal = contract(made, reference="C-1")
    books.commit(contract=deal, source=budget, amount=pounds("£60,000.00"), on=START, **AS)
    books.pay(contract=deal, amount=pounds("£30,000.00"), on=START, invoice_number="I-1", **AS)
    return made


def test_the_checkpoints_page_shows_the_key_and_the_latest(client, world):
    latest = checkpoints.latest()
    html = client.get("/record/checkpoints/").content.decode()
    key = checkpoints.public_key()
    assert key["key_id"] in html and key["base64"] in html and "BEGIN PUBLIC KEY" in html
    assert f'id="checkpoint-{latest.sequence}"' in html
    assert f"The latest checkpoint, {latest.sequence}, states the chains as they are now" in html
    assert "ledger.pay" in html
    record = client.get("/boards/record/").content.decode()
    assert f"number {latest.sequence}</a>, was signed" in record
    assert "/record/checkpoints.jsonl" in record


def test_the_log_downloads_as_json_lines_that_verify(client, world):
    response = client.get("/record/checkpoints.jsonl")
    assert response["Content-Type"].startswith("application/jsonl")
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert len(lines) == Checkpoint.objects.count() >= 4  # allocation, budget, commit, pay
    for line in lines:
        assert signing.signature_holds(
            line["public_key"], line["signature"], checkpoints.statement(line)
        )
    result = checkpoints.verify_against(lines, source="the download")
    assert result.ok, result.refused + [f.what for f in result.findings]


def test_the_api_gives_the_checkpoints_and_the_key(client, world):
    body = client.get("/api/record/checkpoints?limit=2").json()
    assert body["count"] == Checkpoint.objects.count() and len(body["checkpoints"]) == 2
    assert body["latest"]["sequence"] == checkpoints.latest().sequence
    assert body["key"]["key_id"] == body["latest"]["key_id"]
    assert body["latest"]["heads"]["ledger"]["postings"] == 8
    assert client.get("/api/record/checkpoints?limit=0").status_code == 422


def test_every_open_data_export_names_the_checkpoint(client, world):
    latest = checkpoints.latest()
    ledger_head = latest.heads["ledger"]["head"]
    spend = client.get(f"/money/books/{world.icb.code}/2025-26/spend-over-25k.csv")
    assert spend.status_code == 200
    assert spend["OpenICS-Checkpoint"].startswith(f"{latest.sequence}; made=")
    assert f"ledger={ledger_head}" in spend["OpenICS-Checkpoint"]
    assert "/record/checkpoints.jsonl" in spend["Link"]
    interests = client.get("/boards/interests.csv")
    assert interests["OpenICS-Checkpoint"] == spend["OpenICS-Checkpoint"]
    out = io.StringIO()
    write_beancount(out)
    first = out.getvalue().splitlines()[0]
    assert first.startswith(f"; OpenICS checkpoint {latest.sequence}; ") and ledger_head in first
    package = release_package()
    assert package["x_openicsCheckpoint"]["checkpoint"] == latest.sequence
    assert package["x_openicsCheckpoint"]["heads"]["ledger"] == ledger_head


def test_a_refused_payment_writes_no_checkpoint(world):
    from openics.contracts.models import Contract

    before = Checkpoint.objects.count()
    deal = Contract.objects.get(reference="C-1")
    with pytest.raises(books.Refused):
        books.pay(contract=deal, amount=pounds("£1.00"), on=START, invoice_number="I-1", **AS)
    assert Checkpoint.objects.count() == before
