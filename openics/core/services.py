"""Writes of the core context: giving and taking roles."""

from django.contrib.auth import get_user_model

from openics.core.audit import Actor, AuditError, Auditor, service, snapshot
from openics.core.models import RoleAssignment
from openics.core.roles import Role

__all__ = ["Actor", "AuditError", "assign_role", "create_user", "revoke_role"]


class NotPermittedError(PermissionError):
    pass


def _require_administrator(audit: Auditor) -> None:
    user = audit.actor.user
    if user is not None and not user.has_perm("openics.administer_users"):
        raise NotPermittedError(f"{user.get_username()} may not manage users and roles")


@service("core.create_user")
def create_user(*, username: str, email: str = "", audit: Auditor):
    _require_administrator(audit)
    user = get_user_model().objects.create_user(username=username, email=email)
    after = snapshot(user)
    # Never copy credentials or contact details into the audit log.
    for private in ("password", "email", "first_name", "last_name"):
        after.pop(private, None)
    audit.record(obj=user, after=after)
    return user


@service("core.assign_role")
def assign_role(*, user, role: Role, organisation_code: str = "", audit: Auditor) -> RoleAssignment:
    _require_administrator(audit)
    assignment = RoleAssignment.objects.create(
        user=user, role=Role(role).value, organisation_code=organisation_code
    )
    audit.created(assignment)
    user.__dict__.pop("_openics_role_assignments", None)  # permissions change at once
    return assignment


@service("core.revoke_role")
def revoke_role(*, assignment: RoleAssignment, audit: Auditor) -> None:
    _require_administrator(audit)
    before = snapshot(assignment)
    assignment.delete()
    assignment.user.__dict__.pop("_openics_role_assignments", None)
    audit.record(object_type="core.roleassignment", object_id=str(before["id"]), before=before)


@service("core.set_password")
def set_password(*, user, password: str, audit: Auditor):
    """Sets a person's password after Django's validators accept it (ValidationError
    otherwise); the audit says it changed, never what it is."""
    from django.contrib.auth.password_validation import validate_password

    _require_administrator(audit)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(obj=user, before=None, after={"password": "changed"})
    return user


@service("core.write_checkpoint")
def write_checkpoint(*, occasion: str = "daily", audit: Auditor):
    """A signed checkpoint of every chain now (`openics checkpoint`, daily from cron); refused
    without a key (OPENICS_CHECKPOINT_KEY)."""
    from openics.core import checkpoints, signing
    from openics.core.audit import Refused

    try:
        made = checkpoints.write(occasion=occasion)
    except signing.CheckpointKeyError as exc:
        raise Refused(str(exc)) from None
    if made is None:
        raise Refused(
            f"no checkpoint key is configured: set {signing.KEY_VARIABLE} to the file of the "
            "installation's Ed25519 private key"
        )
    audit.record(obj=made, after=checkpoints.as_line(made))
    return made
