"""`openics users create|grant|revoke|list|unlock`, each write audited as the command."""

from click.testing import CliRunner
from django.contrib.auth import get_user_model

from openics.cli import main
from openics.core.models import AuditEntry


def test_an_account_is_created_granted_listed_and_revoked(db):
    runner = CliRunner()
    weak = runner.invoke(main, ["users", "create", "ada-example", "--password", "password"])
    assert weak.exit_code == 1 and "refused" in weak.output
    assert not get_user_model().objects.filter(username="ada-example").exists()
    made = runner.invoke(
        main, ["users", "create", "ada-example", "--password", "a-long-passphrase-7"]
    )
    assert made.exit_code == 0, made.output
    user = get_user_model().objects.get(username="ada-example")
    assert user.check_password("a-long-passphrase-7")
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    granted = runner.invoke(
        main, ["users", "grant", "ada-example", "board_member", "--organisation", "qua"]
    )
    assert granted.exit_code == 0, granted.output
    assert user.has_perm("openics.declare_interest", "QUA")
    assert not user.has_perm("openics.declare_interest", "QHL")
    listed = runner.invoke(main, ["users", "list"])
    assert "ada-example: board_member for QUA" in listed.output
    revoked = runner.invoke(
        main, ["users", "revoke", "ada-example", "board_member", "--organisation", "QUA"]
    )
    assert revoked.exit_code == 0, revoked.output
    user = get_user_model().objects.get(username="ada-example")
    assert not user.has_perm("openics.declare_interest", "QUA")
    actions = set(
        AuditEntry.objects.filter(actor_system__startswith="cli:").values_list("action", flat=True)
    )
    assert {
        "core.create_user",
        "core.set_password",
        "core.assign_role",
        "core.revoke_role",
    } <= actions
    # the audit never holds the password or its hash
    for entry in AuditEntry.objects.filter(action="core.set_password"):
        assert entry.after == {"password": "changed"}
    again = runner.invoke(main, ["users", "unlock", "ada-example"])
    assert again.exit_code == 0 and "cleared" in again.output
