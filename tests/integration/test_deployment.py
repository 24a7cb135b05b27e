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


def test_serve_with_several_workers_runs_granian_and_answers(tmp_path):
    """A real server: `openics serve --workers 2` on a fresh SQLite database."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    env = {**os.environ, "OPENICS_VAR_DIR": str(tmp_path), "OPENICS_DEMO": "1"}
    env.pop("DATABASE_URL", None)  # its own database, never the suite's
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-c", "from openics.cli import main; main()"]
    subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/regimes/", timeout=5) as r:
                    answer = r
                    body = r.read()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.time() < deadline, "the server did not answer within 60 s"
                time.sleep(0.3)
        assert answer.status == 200 and b"regime" in body.lower()
        assert answer.headers["Server"] == "granian"
        assert answer.headers["X-OpenICS-Data-Version"] == "0"
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "with 2 worker processes of 2 threads" in output
