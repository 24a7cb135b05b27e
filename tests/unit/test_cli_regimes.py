"""The regimes commands of the CLI, which need no database."""

from click.testing import CliRunner

from openics.cli import main


def test_regimes_list_shows_three_regimes_with_dates():
    result = CliRunner().invoke(main, ["regimes", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["ID", "STATUS", "IN"]
    assert any(
        line.startswith("hsca-2012") and "2013-04-01 to 2022-06-30" in line for line in lines
    )
    assert any(line.startswith("hca-2022") and "2022-07-01 to now" in line for line in lines)
    assert any(line.startswith("white-paper-2021") and "never in force" in line for line in lines)


def test_regimes_show_prints_rules_with_citations_and_dated_parameters():
    result = CliRunner().invoke(main, ["regimes", "show", "hca-2022"])
    assert result.exit_code == 0, result.output
    assert "organisations.may-commission" in result.output
    assert "citation: NHS Act 2006" in result.output
    assert "from 2022-07-01:" in result.output


def test_regimes_show_unknown_id_fails_clearly():
    result = CliRunner().invoke(main, ["regimes", "show", "nope"])
    assert result.exit_code == 1
    assert "no regime 'nope'" in result.output


def test_every_command_has_help():
    runner = CliRunner()
    for args in (
        ["--help"],
        ["demo", "--help"],
        ["migrate", "--help"],
        ["serve", "--help"],
        ["regimes", "--help"],
        ["regimes", "list", "--help"],
        ["regimes", "show", "--help"],
        ["check", "--help"],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, args
        assert "Usage:" in result.output
