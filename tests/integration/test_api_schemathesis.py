"""The read API against its own OpenAPI schema, with schemathesis: for every operation,
generated requests (valid and invalid parameters, both databases) never get a 5xx, and
every 4xx says what was wrong. The hand-picked hostile values are in test_no_500.py."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.integration.test_no_500 import world  # noqa: F401 (the same small system)

pytestmark = pytest.mark.django_db

# Enough generated requests per operation to reach the edges of each parameter's type,
# few enough that both database runs stay within the suite's time.
EXAMPLES_PER_OPERATION = 40


# Read through the application itself: /api/openapi.json touches no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def one_connection():
    """Requests go through the real WSGI handler, which closes the database connection
    after each; inside a test's transaction it must stay open, as Django's test client
    arranges for its own requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("one_connection", "world")
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same requests on every run, so a failure can be repeated
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_generated_request_gets_a_server_error(case):
    response = case.call()
    described = f"{case.method} {case.formatted_path} {case.query or ''}"
    assert response.status_code < 500, f"{described} answered {response.status_code}"
    if response.status_code >= 400:
        assert response.content.strip(), f"{described} answered {response.status_code} empty"
