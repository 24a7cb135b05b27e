"""No input crashes a web request: hostile values in every URL template of the portal and in
every operation and parameter of the read API's own OpenAPI schema, on whichever database the
suite runs on. A 5xx is a failure; a 4xx must say what was wrong."""

import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.urls import URLPattern, URLResolver

from openics.ledger import services as books
from openics.portal import urls as portal_urls
from tests.ledger_world import ACTOR, START, build_world, contract, fund_place, pounds

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    str(2**63),
    str(-(2**63) - 1),
    str(2**64),
    "9" * 40,
    "1e30",
    "-1e30",
    "NaN",
    "inf",
    "\x00",
    "QUA\x00",
    "x" * 49_999,
    "x" * 50_000,
    "مرحبا\u202eabc",  # Arabic with a right-to-left override
    "🏥💷👩‍⚕️",
    "' OR 1=1 --",
    '"; DROP TABLE ledger_posting; --',
    "%",
    "_",
    "../../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "<script>alert(1)</script>",
    "2025-26",
    "2025-2x",
    "QUA",
]
# Values shaped like a start of a money trace, with the hostile value after the colon.
TRACE_KINDS = ("place", "account", "icb", "provider", "cash")
TRACE_STARTS = [f"{kind}:{value}" for kind in TRACE_KINDS for value in HOSTILE]

# Every query parameter each portal page reads (checked against the views' source below).
PORTAL_QUERY = {
    "/organisations/search/": ["q"],
    "/money/": ["year", "place", "total"],
    "/money/follow/": ["from", "reverse", "year"],
    "/money/fair-shares/": ["year", "place", "total"],
    "/arranging/decisions/": [
        "process",
        "ownership",
        "status",
        "min_value",
        "max_value",
        "place",
        "on",
        "year",
    ],
    "/arranging/standstill/": ["on", "year"],
    "/arranging/annual-summary/": ["year"],
    "/arranging/published-notices/": ["page"],
    "/arranging/annual-summary.csv": ["year"],
    "/regimes/compare/": ["system", "on", "regimes"],
    "/regimes/compare.json": ["system", "on", "regimes"],
    "/regimes/compare.csv": ["system", "on", "regimes"],
    "/people/": ["icb"],
    "/money/capital/": ["icb"],
    "/plans/": ["icb"],
}


@pytest.fixture
def world():
    world = build_world()
    budget = fund_place(world, "£1,000,000.00")
    deal = contract(world, reference="C-1", place=world.dudley)
    AS = {"actor": ACTOR, "reason": "test"}
    books.commit(contract=deal, source=budget, amount=pounds("£600,000.00"), on=START, **AS)
    books.pay(contract=deal, amount=pounds("£30,000.00"), on=START, invoice_number="A", **AS)
    return world


def _templates(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _templates(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield "/" + route


def _portal_templates() -> list[str]:
    found = list(_templates(portal_urls.urlpatterns))
    assert len(found) > 20
    return found


CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
PLAUSIBLE = {"code": "QUA", "year": "2025-26", "icb_code": "QUA", "kind": "icb"}


def _fill(template: str, name: str | None, value: str) -> str:
    def one(match):
        converter, param = match.group(1) or "str", match.group(2)
        if param == name:
            return quote(value, safe="")
        if converter == "uuid":
            return "00000000-0000-0000-0000-000000000000"
        return PLAUSIBLE.get(param, "x")

    return CONVERTER.sub(one, template)


def _check(response, url: str, failures: list[str]) -> None:
    status = response.status_code
    shown = url if len(url) < 200 else url[:200] + "…"
    if status >= 500:
        failures.append(f"{status} {shown}")
    elif status >= 400 and not response.content.strip():
        failures.append(f"{status} with no message {shown}")


def test_the_query_parameter_table_names_every_parameter_the_portal_reads():
    read = set()
    for source in Path(portal_urls.__file__).parent.glob("*.py"):
        read |= set(re.findall(r"request\.GET\.get\(\"(\w+)\"", source.read_text()))
    assert read <= {name for names in PORTAL_QUERY.values() for name in names}


def test_no_portal_url_answers_hostile_input_with_a_500(client, world):
    client.raise_request_exception = False  # a crash is a 500 to count, not to stop at
    failures: list[str] = []
    for template in _portal_templates():
        names = [m.group(2) for m in CONVERTER.finditer(template)]
        for name in names or [None]:
            for value in HOSTILE if name else [""]:
                url = _fill(template, name, value)
                _check(client.get(url), url, failures)
        query = PORTAL_QUERY.get(_fill(template, None, ""), [])
        for param in query:
            values = HOSTILE + (TRACE_STARTS if param == "from" else [])
            for value in values:
                url = _fill(template, None, "") + "?" + urlencode({param: value})
                _check(client.get(url), url, failures)
    assert not failures, "\n".join(failures)


def _operations(client):
    schema = client.get("/api/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method == "get":
                yield path, _parameters(schema, operation)


def _parameters(schema, operation) -> list[dict]:
    found = []
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            name = parameter["$ref"].rsplit("/", 1)[-1]
            parameter = schema["components"]["parameters"][name]
        found.append(parameter)
    return found


def _plausible(parameter: dict) -> str:
    spec = parameter.get("schema", {})
    if "default" in spec:
        return (
            str(spec["default"]).lower()
            if isinstance(spec["default"], bool)
            else str(spec["default"])
        )
    if spec.get("type") == "integer":
        return "1"
    return PLAUSIBLE.get(parameter["name"], "QUA")


def test_no_api_operation_answers_hostile_input_with_a_500(client, world):
    client.raise_request_exception = False
    failures: list[str] = []
    operations = list(_operations(client))
    assert len(operations) > 10
    for path, parameters in operations:
        for target in parameters:
            values = HOSTILE + (TRACE_STARTS if target["name"] == "start" else [])
            for value in values:
                plausible = {p["name"]: _plausible(p) for p in parameters}
                plausible[target["name"]] = value
                url = path
                query = {}
                for parameter in parameters:
                    name = parameter["name"]
                    if parameter["in"] == "path":
                        url = url.replace("{" + name + "}", quote(plausible[name], safe=""))
                    elif parameter["in"] == "query":
                        query[name] = plausible[name]
                if query:
                    url += "?" + urlencode(query)
                _check(client.get(url), url, failures)
    assert not failures, "\n".join(failures)


def test_the_failures_once_found_now_say_what_was_wrong(client, world):
    nul = client.get("/organisations/search/?q=QUA%00")
    assert nul.status_code == 400 and "NUL byte" in nul.content.decode()
    assert client.get("/api/organisations/icb/QUA%00").json()["detail"].startswith("The address")
    long = client.get("/organisations/search/?q=" + "x" * 49_999)
    assert long.status_code == 400 and "the most any parameter may be is 1,000" in long.text
    huge = client.get(f"/api/organisations/?limit={2**63}")
    assert huge.status_code == 422 and "limit" in huge.text
    far = client.get(f"/api/governance/record?offset={2**63}")
    assert far.status_code == 422 and "offset" in far.text
    assert client.get("/money/follow/?from=place:Dudley&year=2025-26").status_code == 200
    assert client.get("/api/ledger/trace?start=place:Dudley&year=2025-26").status_code == 200
    assert client.get("/money/follow/?from=place:Nowhere").status_code == 404
