"""A deployment refuses the public default key and DEBUG unless it is the demonstration."""

import pytest
from click.testing import CliRunner
from django.test import override_settings

from openics.cli import main
from openics.config.deployment import RefusedToServe, refusals, refuse_to_serve_if_unsafe

pytestmark = pytest.mark.django_db


def test_the_default_key_and_debug_are_refused_outside_the_demonstration(monkeypatch):
    monkeypatch.delenv("OPENICS_DEMO", raising=False)
    with override_settings(DEMO=False, DEBUG=True):
        found = refusals()
        assert len(found) == 2 and "OPENICS_SECRET_KEY" in found[0] and "DEBUG" in found[1]
        with pytest.raises(RefusedToServe, match="refusing to serve"):
            refuse_to_serve_if_unsafe()
        served = CliRunner().invoke(main, ["serve", "--port", "1"])
        assert served.exit_code == 1 and "refusing to serve" in served.output
    with override_settings(DEMO=False, DEBUG=False, SECRET_KEY="x" * 60):
        assert refusals() == []


def test_the_demonstration_may_use_the_default_key(monkeypatch):
    monkeypatch.setenv("OPENICS_DEMO", "1")
    with override_settings(DEMO=False, DEBUG=False):
        assert refusals() == []


def test_check_deploy_reports_each_deployment_warning(monkeypatch):
    monkeypatch.delenv("OPENICS_DEMO", raising=False)
    with override_settings(DEMO=False, DEBUG=False):
        result = CliRunner().invoke(main, ["check", "--deploy"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("[FAIL] Deployment")]
    assert any("security.W" in line for line in lines)  # Django's own, e.g. HSTS
    assert any("OPENICS_SECRET_KEY" in line for line in lines)  # ours
