"""`openics users …`: the people who may sign in to the workspace, and their roles for
each organisation (an ODS code, or every organisation)."""

from __future__ import annotations

import click

from openics.cli.runtime import cli_actor, fail, main, setup_django

ROLES = [
    "officer",
    "finance",
    "board_member",
    "board_secretary",
    "auditor",
    "nhs_england",
    "administrator",
]


def _user(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        fail(f"no account {username!r}; `openics users list` shows them")
    return user


@main.group("users")
def users_group() -> None:
    """Workspace accounts and their roles. A board member's account has the key of their
    entry on the register of interests as its username (for example ada-example)."""


@users_group.command("create")
@click.argument("username")
@click.option("--email", default="", help="Their e-mail address (never written to the audit).")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given; checked by Django's password validators.",
)
@click.option("--reason", default=None, help="Why (kept in the audit log).")
def users_create(username: str, email: str, password: str, reason: str | None) -> None:
    """Create an account that can sign in."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from openics.core.services import create_user, set_password

    if get_user_model().objects.filter(username=username).exists():
        fail(f"an account {username!r} already exists")
    why = reason or f"account {username} created"
    try:
        with transaction.atomic():
            user = create_user(username=username, email=email, actor=cli_actor(), reason=why)
            set_password(user=user, password=password, actor=cli_actor(), reason=why)
    except ValidationError as exc:
        fail("the password was refused: " + " ".join(exc.messages))
    click.echo(f"Created {username}. Give them a role with `openics users grant {username} ROLE`.")


@users_group.command("grant")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--organisation", "code", default="", help="ODS code (e.g. QUA); empty for all.")
@click.option("--reason", default=None, help="Why (kept in the audit log).")
def users_grant(username: str, role: str, code: str, reason: str | None) -> None:
    """Give an account a role, for one organisation or for all."""
    setup_django()
    from openics.core.models import RoleAssignment
    from openics.core.services import assign_role

    user = _user(username)
    code = code.strip().upper()
    if RoleAssignment.objects.filter(user=user, role=role, organisation_code=code).exists():
        fail(f"{username} already holds {role} for {code or 'every organisation'}")
    assign_role(
        user=user,
        role=role,
        organisation_code=code,
        actor=cli_actor(),
        reason=reason or f"{role} granted to {username}",
    )
    click.echo(f"{username} is now {role} for {code or 'every organisation'}.")


@users_group.command("revoke")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--organisation", "code", default="", help="ODS code; empty for all.")
@click.option("--reason", default=None, help="Why (kept in the audit log).")
def users_revoke(username: str, role: str, code: str, reason: str | None) -> None:
    """Take a role away."""
    setup_django()
    from openics.core.models import RoleAssignment
    from openics.core.services import revoke_role

    user = _user(username)
    code = code.strip().upper()
    found = RoleAssignment.objects.filter(user=user, role=role, organisation_code=code).first()
    if found is None:
        fail(f"{username} does not hold {role} for {code or 'every organisation'}")
    revoke_role(
        assignment=found, actor=cli_actor(), reason=reason or f"{role} revoked from {username}"
    )
    click.echo(f"{username} no longer holds {role} for {code or 'every organisation'}.")


@users_group.command("list")
def users_list() -> None:
    """Every account and its roles."""
    setup_django()
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.order_by("username").prefetch_related("role_assignments"):
        roles = ", ".join(
            f"{a.role} for {a.organisation_code or 'all'}"
            for a in sorted(
                user.role_assignments.all(), key=lambda a: (a.role, a.organisation_code)
            )
        )
        state = "" if user.is_active else " (inactive)"
        click.echo(f"{user.username}{state}: {roles or 'no roles'}")


@users_group.command("unlock")
@click.argument("username")
def users_unlock(username: str) -> None:
    """Unlock an account locked after five wrong passwords."""
    setup_django()
    from axes.utils import reset

    count = reset(username=username)
    click.echo(f"{username}: {count} failed sign-in record{'s' if count != 1 else ''} cleared.")
