"""The registry commands of the CLI, end to end on a database."""

import pytest
from click.testing import CliRunner

from openics.cli import main
from openics.core.models import AuditEntry
from openics.organisations.models import Organisation
from tests.builders import many_practices, practice_file

pytestmark = pytest.mark.django_db(transaction=True)


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_import_practices_then_responsibility(tmp_path):
    runner = CliRunner()
    path = _write(tmp_path, "2025_2026.csv", practice_file(many_practices(4)))
    result = runner.invoke(main, ["import", "practices", path])
    assert result.exit_code == 0, result.output
    assert "4 rows read" in result.output
    result = runner.invoke(main, ["responsibility", "--icb", "QUA"])
    assert result.exit_code == 0, result.output
    assert "Registered with one of its practices: 4,000" in result.output
    assert "not known" in result.output
    # a year is read as people write it, either way, and anything else is refused
    for spelling in ("2025-26", "2025/26"):
        again = runner.invoke(main, ["responsibility", "--icb", "QUA", "--year", spelling])
        assert again.exit_code == 0 and again.output == result.output
    wrong = runner.invoke(main, ["responsibility", "--icb", "QUA", "--year", "2025-27"])
    assert wrong.exit_code == 2 and "not a financial year: '2025-27'" in wrong.output
    unknown = runner.invoke(main, ["responsibility", "--icb", "QZZ"])
    assert unknown.exit_code == 1 and "no icb organisation with the code 'QZZ'" in unknown.output


def test_a_bad_row_is_reported_by_line_and_the_exit_code_says_so(tmp_path):
    rows = many_practices(40)
    rows[35]["LAD"] = "E99999999"
    path = _write(tmp_path, "2025_2026.csv", practice_file(rows))
    result = CliRunner().invoke(main, ["import", "practices", path])
    assert result.exit_code == 1
    assert "line 37:" in result.output
    assert "nothing was written" in result.output
    assert not Organisation.objects.exists()


def test_merge_and_rename_from_the_command_line(tmp_path):
    runner = CliRunner()
    runner.invoke(
        main,
        [
            "import",
            "practices",
            _write(tmp_path, "2025_2026.csv", practice_file(many_practices(2))),
        ],
    )
    result = runner.invoke(
        main,
        [
            "organisations",
            "merge",
            "M00002",
            "--into",
            "M00001",
            "--on",
            "2025-06-01",
            "--reason",
            "practices merged",
        ],
    )
    assert result.exit_code == 0, result.output
    assert Organisation.objects.get(code="M00002").successor.code == "M00001"
    result = runner.invoke(
        main,
        [
            "organisations",
            "rename",
            "M00001",
            "Dudley Health Centre",
            "--reason",
            "new name after merger",
        ],
    )
    assert result.exit_code == 0, result.output
    entry = AuditEntry.objects.get(action="organisations.rename")
    assert entry.before["name"] == "Practice M00001" and entry.reason == "new name after merger"
    assert entry.actor_system.startswith("cli:")
    refused = runner.invoke(
        main,
        [
            "organisations",
            "merge",
            "M00001",
            "--into",
            "M00002",
            "--on",
            "2025-07-01",
            "--reason",
            "back again",
        ],
    )
    assert refused.exit_code == 1
    assert "closed" in refused.output


def test_a_collaborative_spanning_two_systems_from_the_command_line(tmp_path):
    from tests.builders import practice_row

    runner = CliRunner()
    rows = [practice_row("M00001"), practice_row("B00001", icb="QHL", lad="E08000025")]
    runner.invoke(
        main, ["import", "practices", _write(tmp_path, "2025_2026.csv", practice_file(rows))]
    )
    for code, name in (("RNA", "Dudley Group NHS FT"), ("RXK", "Sandwell and West Bham")):
        result = runner.invoke(
            main,
            [
                "organisations",
                "establish",
                "--kind",
                "nhs_trust",
                "--name",
                name,
                "--code",
                code,
                "--ownership",
                "nhs",
                "--on",
                "2022-07-01",
                "--reason",
                "test",
            ],
        )
        assert result.exit_code == 0, result.output
    result = runner.invoke(
        main,
        [
            "organisations",
            "establish",
            "--kind",
            "provider_collaborative",
            "--name",
            "Black Country Provider Collaborative",
            "--code",
            "BCPC",
            "--ownership",
            "nhs",
            "--on",
            "2022-07-01",
            "--reason",
            "test",
        ],
    )
    assert result.exit_code == 0, result.output
    for code in ("RNA", "RXK"):
        result = runner.invoke(
            main,
            [
                "organisations",
                "join",
                code,
                "BCPC",
                "--on",
                "2022-07-01",
                "--reason",
                "founding member",
            ],
        )
        assert result.exit_code == 0, result.output
    again = runner.invoke(
        main, ["organisations", "join", "RNA", "BCPC", "--on", "2023-01-01", "--reason", "twice"]
    )
    assert again.exit_code == 1 and "already" in again.output
    # a CCG cannot be established under the 2022 Act
    ccg = runner.invoke(
        main,
        [
            "organisations",
            "establish",
            "--kind",
            "ccg",
            "--name",
            "X",
            "--ownership",
            "nhs",
            "--on",
            "2023-01-01",
            "--reason",
            "t",
        ],
    )
    assert ccg.exit_code == 1 and "abolished" in ccg.output
    members = Organisation.objects.get(code="BCPC").child_links.current()
    assert {link.child.code for link in members} == {"RNA", "RXK"}
