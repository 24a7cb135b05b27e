"""Lifecycle changes lose nothing: merges, transfers and dissolutions keep every holding."""

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openics.core.audit import Actor
from openics.core.models import AuditEntry
from openics.kernel.money import Money
from openics.organisations import lifecycle
from openics.organisations.lifecycle import LifecycleError
from openics.organisations.models import Function, Organisation, OwnershipClass, Relationship
from openics.population.models import PracticePopulation
from openics.regimes.vocabulary import BodyKind
from tests.holdings_app.models import SampleBudget, SampleContract

pytestmark = pytest.mark.django_db

ACTOR = Actor.process("test-lifecycle")
DAY = date(2025, 4, 1)


def _org(kind: BodyKind, code: str, staff: int | None = None, **fields) -> Organisation:
    return Organisation.objects.create(
        kind=kind.value,
        code=code,
        name=f"{kind.label} {code}",
        ownership=OwnershipClass.NHS,
        staff_count=staff,
        **fields,
    )


def _population(practice: Organisation, registered: str) -> PracticePopulation:
    value = Decimal(registered)
    fields = {
        name: value
        for name in (
            "registered",
            "population",
            "wp_general_and_acute",
            "wp_community",
            "wp_mental_health",
            "wp_maternity",
            "wp_health_inequalities",
            "wp_prescribing",
            "wp_core",
            "wp_primary_medical_care",
            "wp_primary_medical_care_final",
        )
    }
    return PracticePopulation.objects.create(practice=practice, financial_year="2025/26", **fields)


@pytest.fixture
def two_trusts():
    icb = _org(BodyKind.ICB, "QUA")
    a = _org(BodyKind.NHS_TRUST, "RNA", staff=5000)
    b = _org(BodyKind.NHS_TRUST, "RXK", staff=7000)
    for trust in (a, b):
        Relationship.objects.create(child=trust, parent=icb, kind="within")
    SampleContract.objects.create(commissioner=icb, provider=a, annual_value=Money(100_000_00))
    SampleContract.objects.create(commissioner=icb, provider=b, annual_value=Money(250_000_00))
    SampleBudget.objects.create(holder=a, amount=Money(1_000_00))
    Function.objects.create(organisation=a, name="Acute services for Dudley")
    return icb, a, b


def test_a_merger_of_two_trusts_keeps_every_contract_budget_function_and_member_of_staff(
    two_trusts,
):
    icb, a, b = two_trusts
    merged = lifecycle.establish(
        kind=BodyKind.NHS_TRUST,
        name="Black Country Integrated Care Trust",
        code="RZZ",
        ownership=OwnershipClass.NHS,
        active_from=DAY,
        actor=ACTOR,
        reason="merger",
    )
    lifecycle.merge(sources=[a, b], into=merged, on=DAY, actor=ACTOR, reason="trusts merge")
    a.refresh_from_db()
    b.refresh_from_db()
    merged.refresh_from_db()
    assert SampleContract.objects.filter(provider=merged).count() == 2
    assert sum(c.annual_value for c in SampleContract.objects.all()) == Money(350_000_00)
    assert SampleBudget.objects.get().holder == merged
    assert Function.objects.get().organisation == merged
    assert merged.staff_count == 12000
    assert (a.active_to, a.successor, b.successor) == (date(2025, 3, 31), merged, merged)
    # the old links are ended, not deleted, and the new body belongs where they did
    assert Relationship.objects.filter(child=a, active_to=date(2025, 3, 31)).exists()
    assert Relationship.objects.current().filter(child=merged, parent=icb).count() == 1
    # and the audit log tells the story
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "organisations.establish",
        "organisations.close",
        "organisations.transfer_holding",
        "relationships.end",
    } <= actions


def test_a_ccg_cannot_be_established_under_the_2022_act():
    with pytest.raises(LifecycleError, match="abolished"):
        lifecycle.establish(
            kind=BodyKind.CCG,
            name="NHS Dudley CCG",
            active_from=DAY,
            ownership=OwnershipClass.NHS,
            actor=ACTOR,
            reason="test",
        )
    assert not Organisation.objects.exists()
    # The refusal is on the record like every other: who asked, and why it was refused.
    refusal = AuditEntry.objects.get(action="organisations.establish.refused")
    assert "abolished" in refusal.after["refused"][0]
    assert refusal.actor_system == "test-lifecycle" and refusal.reason == "test"


def test_ccgs_merge_into_an_icb_on_1_july_2022():
    region = _org(BodyKind.NHS_ENGLAND_REGION, "Y60")
    ccgs = [
        lifecycle.establish(
            kind=BodyKind.CCG,
            name=f"NHS {n} CCG",
            code=code,
            active_from=date(2013, 4, 1),
            ownership=OwnershipClass.NHS,
            actor=ACTOR,
            reason="2012 Act",
        )
        for n, code in (("Dudley", "05C"), ("Walsall", "05Y"))
    ]
    practice = _org(BodyKind.GP_PRACTICE, "M87001")
    Relationship.objects.create(child=practice, parent=ccgs[0], kind="within")
    Relationship.objects.create(child=ccgs[0], parent=region, kind="within")
    _population(practice, "9000")
    icb = lifecycle.establish(
        kind=BodyKind.ICB,
        name="NHS Black Country ICB",
        code="QUA",
        active_from=date(2022, 7, 1),
        ownership=OwnershipClass.NHS,
        actor=ACTOR,
        reason="Health and Care Act 2022",
    )
    lifecycle.merge(
        sources=ccgs,
        into=icb,
        on=date(2022, 7, 1),
        actor=ACTOR,
        reason="CCGs abolished; functions pass to the ICB",
    )
    assert Relationship.objects.current().get(child=practice).parent == icb
    assert Relationship.objects.current().get(child=icb).parent == region
    assert all(Organisation.objects.get(pk=c.pk).active_to == date(2022, 6, 30) for c in ccgs)


def test_dissolving_a_body_that_still_holds_things_needs_a_successor(two_trusts):
    _icb, a, b = two_trusts
    with pytest.raises(LifecycleError, match="name a successor"):
        lifecycle.dissolve(organisation=a, on=DAY, actor=ACTOR, reason="closing")
    a.refresh_from_db()
    assert a.active_to is None
    lifecycle.dissolve(organisation=a, on=DAY, successor=b, actor=ACTOR, reason="closing")
    assert SampleContract.objects.filter(provider=b).count() == 2


def test_merging_two_practices_adds_their_lists():
    icb = _org(BodyKind.ICB, "QUA")
    p1, p2 = _org(BodyKind.GP_PRACTICE, "M00001"), _org(BodyKind.GP_PRACTICE, "M00002")
    for p in (p1, p2):
        Relationship.objects.create(child=p, parent=icb, kind="within")
    _population(p1, "1000.5")
    _population(p2, "2000.25")
    lifecycle.merge(sources=[p2], into=p1, on=DAY, actor=ACTOR, reason="practices merge")
    assert PracticePopulation.objects.get().registered == Decimal("3000.75")
    assert PracticePopulation.objects.get().practice == p1


# -- property: any sequence of changes conserves every total and orphans nothing -----------
def _totals():
    return {
        "staff": sum(o.staff_count or 0 for o in Organisation.objects.all()),
        "contracts": (
            SampleContract.objects.count(),
            sum((c.annual_value for c in SampleContract.objects.all()), Money(0)),
        ),
        "budgets": sum((b.amount for b in SampleBudget.objects.all()), Money(0)),
        "functions": Function.objects.count(),
        "registered": sum((p.registered for p in PracticePopulation.objects.all()), Decimal(0)),
    }


def _assert_nothing_orphaned():
    closed = set(Organisation.objects.filter(active_to__isnull=False).values_list("pk", flat=True))
    held = (
        set(Function.objects.values_list("organisation_id", flat=True))
        | set(SampleBudget.objects.values_list("holder_id", flat=True))
        | set(SampleContract.objects.values_list("provider_id", flat=True))
        | set(SampleContract.objects.values_list("commissioner_id", flat=True))
        | set(PracticePopulation.objects.values_list("practice_id", flat=True))
    )
    assert not (held & closed), "a record is held by a closed body"
    for link in Relationship.objects.current().select_related("child", "parent"):
        assert link.child.active_to is None and link.parent.active_to is None, str(link)
    for org in Organisation.objects.filter(active_to__isnull=False):
        assert not org.staff_count


def _world():
    icbs = [_org(BodyKind.ICB, f"Q{i}A") for i in range(2)]
    trusts = [_org(BodyKind.NHS_TRUST, f"R{i}X", staff=100 * (i + 1)) for i in range(4)]
    practices = [_org(BodyKind.GP_PRACTICE, f"M0000{i}") for i in range(4)]
    for i, trust in enumerate(trusts):
        Relationship.objects.create(child=trust, parent=icbs[i % 2], kind="within")
        SampleContract.objects.create(
            commissioner=icbs[i % 2], provider=trust, annual_value=Money(1_000_00 * (i + 1) + 7)
        )
        SampleBudget.objects.create(holder=trust, amount=Money(333 + i))
        Function.objects.create(organisation=trust, name=f"function {i}")
    for i, practice in enumerate(practices):
        Relationship.objects.create(child=practice, parent=icbs[i % 2], kind="within")
        _population(practice, f"{1000 + i}.5")
    return icbs + trusts + practices


operations = st.lists(
    st.tuples(
        st.sampled_from(
            ["merge", "dissolve", "transfer_staff", "transfer_record", "transfer_child", "rename"]
        ),
        st.integers(0, 9),
        st.integers(0, 9),
        st.integers(1, 150),
    ),
    min_size=1,
    max_size=8,
)


class _Rollback(Exception):
    pass


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=operations)
def test_any_sequence_of_changes_conserves_totals_and_orphans_nothing(steps):
    try:
        with transaction.atomic():
            orgs = _world()
            start = _totals()
            for op, i, j, n in steps:
                a, b = orgs[i % len(orgs)], orgs[j % len(orgs)]
                a.refresh_from_db()
                b.refresh_from_db()
                # a refused change must also leave everything intact
                with contextlib.suppress(LifecycleError):
                    _apply(op, a, b, n)
                assert _totals() == start
                _assert_nothing_orphaned()
            raise _Rollback
    except _Rollback:
        pass


def _apply(op: str, a: Organisation, b: Organisation, n: int) -> None:
    kwargs = {"actor": ACTOR, "reason": f"property test: {op}"}
    if op == "merge":
        lifecycle.merge(sources=[a], into=b, on=DAY, **kwargs)
    elif op == "dissolve":
        lifecycle.dissolve(organisation=a, on=DAY, successor=b if n % 2 else None, **kwargs)
    elif op == "transfer_staff":
        lifecycle.transfer(source=a, target=b, on=DAY, staff=n, **kwargs)
    elif op == "transfer_record":
        records = list(SampleContract.objects.filter(provider=a)[:1]) + list(
            Function.objects.filter(organisation=a)[:1]
        )
        lifecycle.transfer(source=a, target=b, on=DAY, records=records, **kwargs)
    elif op == "transfer_child":
        children = [link.child for link in Relationship.objects.current().filter(parent=a)[:1]]
        lifecycle.transfer(source=a, target=b, on=DAY, children=children, **kwargs)
    elif op == "rename":
        lifecycle.rename(organisation=a, name=f"{a.name} (renamed)", **kwargs)


def test_transferring_a_child_that_already_belongs_to_the_target_keeps_one_link():
    a, b = _org(BodyKind.ICB, "QAA"), _org(BodyKind.ICB, "QBB")
    practice = _org(BodyKind.GP_PRACTICE, "M00001")
    Relationship.objects.create(child=practice, parent=a, kind="member")
    Relationship.objects.create(child=practice, parent=b, kind="member")
    lifecycle.transfer(source=a, target=b, on=DAY, children=[practice], actor=ACTOR, reason="test")
    assert Relationship.objects.current().filter(child=practice).count() == 1
