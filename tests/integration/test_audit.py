"""Every write names who made it and why; a write that cannot be audited writes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from openics.core.audit import (
    Actor,
    MissingActorError,
    MissingReasonError,
    NothingAuditedError,
    service,
)
from openics.core.models import AuditEntry, RoleAssignment
from openics.core.roles import Role
from openics.core.services import assign_role, create_user

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_a_write_with_no_actor_is_refused_and_writes_nothing():
    with pytest.raises(MissingActorError, match="no actor"):
        create_user(username="ghost", reason="testing")
    assert not User.objects.filter(username="ghost").exists()
    assert AuditEntry.objects.count() == 0


def test_an_empty_actor_is_refused_with_advice():
    with pytest.raises(MissingActorError, match=r"Actor\.person\(user\)"):
        create_user(username="ghost", actor=Actor(), reason="testing")
    assert not User.objects.filter(username="ghost").exists()


def test_an_anonymous_user_is_refused():
    with pytest.raises(MissingActorError, match="anonymous"):
        create_user(username="ghost", actor=Actor.person(AnonymousUser()), reason="testing")
    assert not User.objects.filter(username="ghost").exists()


def test_a_write_with_no_reason_is_refused():
    with pytest.raises(MissingReasonError):
        create_user(username="ghost", actor=Actor.process("test-suite"), reason="   ")
    assert not User.objects.filter(username="ghost").exists()


def test_a_badly_named_system_process_is_refused():
    with pytest.raises(MissingActorError, match="system process name"):
        create_user(username="ghost", actor=Actor.process("X"), reason="testing")


def test_a_system_write_is_recorded_with_before_and_after(system_actor):
    user = create_user(username="alice", actor=system_actor, reason="new starter")
    [entry] = AuditEntry.objects.all()
    assert entry.actor_system == "test-suite"
    assert entry.actor_user is None
    assert entry.action == "core.create_user"
    assert entry.reason == "new starter"
    assert entry.object_type == "auth.user"
    assert entry.object_id == str(user.pk)
    assert entry.before is None
    assert entry.after["username"] == "alice"
    assert "password" not in entry.after


def test_a_person_write_is_recorded_against_that_person(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    bob = make_user()
    assignment = assign_role(
        user=bob,
        role=Role.FINANCE,
        organisation_code="QUA",
        actor=Actor.person(admin),
        reason="joined the finance team",
    )
    entry = AuditEntry.objects.for_object(assignment).get()
    assert entry.actor_user == admin
    assert entry.after["role"] == "finance"
    assert entry.after["organisation_code"] == "QUA"


def test_a_failing_service_rolls_back_its_writes_and_its_audit(system_actor):
    @service("test.half_done")
    def half_done(*, audit):
        user = User.objects.create(username="half")
        audit.record(obj=user, after={"username": "half"})
        raise RuntimeError("something went wrong after writing")

    with pytest.raises(RuntimeError):
        half_done(actor=system_actor, reason="testing rollback")
    assert not User.objects.filter(username="half").exists()
    assert AuditEntry.objects.count() == 0


def test_a_service_that_writes_without_recording_is_refused(system_actor):
    @service("test.silent")
    def silent(*, audit):
        User.objects.create(username="silent")

    with pytest.raises(NothingAuditedError):
        silent(actor=system_actor, reason="testing")
    assert not User.objects.filter(username="silent").exists()


def test_the_audit_log_is_append_only(system_actor):
    create_user(username="carol", actor=system_actor, reason="new starter")
    entry = AuditEntry.objects.get()
    entry.reason = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(reason="rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().reason == "new starter"


def test_the_database_refuses_an_entry_without_an_actor():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.create(action="x", reason="y")
    assert RoleAssignment.objects.count() == 0
