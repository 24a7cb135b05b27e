"""Lifecycle of bodies: establish, rename, merge, dissolve and transfer — nothing is lost.

Whatever a body holds is found generically: every foreign key to Organisation in any
app (functions, populations, and later contracts and budgets) is a holding. A merge or
dissolution moves every holding to the successor in one audited transaction; a body is
never closed while it still holds anything. Links to other bodies are ended and remade,
never deleted, so the history of who belonged where is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models

from openics.core.audit import Auditor, Refused, service, snapshot
from openics.kernel.years import FinancialYear
from openics.organisations.models import (
    Function,
    Organisation,
    Relationship,
    StaffFigure,
    StaffTransfer,
    Succession,
    TransferBasis,
)
from openics.regimes import regime_in_force_on
from openics.regimes.vocabulary import BodyKind


class LifecycleError(Refused, ValueError):
    """A lifecycle change was refused; the message says why. Nothing was written but the
    refusal, which the audit log keeps like every other."""


# How records of a model are combined when two holders become one (e.g. two practices'
# populations for the same year are added together). Models not listed are re-pointed.
MergeFunction = Callable[[models.Model, models.Model, Auditor], None]
_COMBINERS: dict[type[models.Model], MergeFunction] = {}


def combine_on_merge(model: type[models.Model]):
    """Registers how to fold a record into another of the same key when holders merge."""

    def register(fn: MergeFunction) -> MergeFunction:
        _COMBINERS[model] = fn
        return fn

    return register


@dataclass(frozen=True)
class HoldingField:
    model: type[models.Model]
    field_name: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field_name}"


# Records about bodies rather than held by them: links, successions, published staff
# figures and staff transfers stay true of the bodies they name, so they never move.
RECORDS_ABOUT_BODIES = (Relationship, Succession, StaffFigure, StaffTransfer)


def holding_fields() -> list[HoldingField]:
    """Every foreign key to Organisation outside the registry's own link tables."""
    found = []
    for rel in Organisation._meta.related_objects:
        if not isinstance(rel, models.ManyToOneRel) or rel.related_model is Organisation:
            continue
        if rel.related_model in RECORDS_ABOUT_BODIES:
            continue
        # A context's record of what was published about bodies (a notice naming its buyer)
        # says so on its model, and stays naming them too.
        if getattr(rel.related_model, "names_bodies_as_published", False):
            continue
        found.append(HoldingField(rel.related_model, rel.field.name))
    return sorted(found, key=lambda h: h.label)


def holdings_of(org: Organisation, history_before: date | None = None) -> dict[str, int]:
    """How many records of each kind a body holds (only non-zero counts); with
    `history_before`, leaving out its records of years ended before that day."""
    counts = {}
    for holding in holding_fields():
        records = holding.model._default_manager.filter(**{holding.field_name: org})
        if history_before is not None:
            n = sum(1 for r in records if not is_history(r, history_before))
        else:
            n = records.count()
        if n:
            counts[holding.label] = n
    links = Relationship.objects.current().filter(parent=org).count()
    if links:
        counts["organisations.relationship (as parent)"] = links
    if org.staff_count:
        counts["staff"] = org.staff_count
    return counts


def _check_kind_exists(kind: str, on: date) -> None:
    regime = regime_in_force_on(on)
    if regime is None:
        return  # before 2013: no regime encoded, nothing to check against
    result = regime.evaluate("organisations.body-kind-exists", on, kind=kind)
    if not result.allowed:
        raise LifecycleError(result.violations[0].explanation)


def is_history(record: models.Model, before: date) -> bool:
    """A record of a financial year that ended before `before` (a published allocation, a
    year's books): it stays true of the body that held it then, so a succession leaves it
    where it is, reachable from the successor through the succession."""
    year = getattr(record, "financial_year", None)
    if not isinstance(year, str) or not year:
        return False
    try:
        return FinancialYear.parse(year).last_day < before
    except ValueError:
        return False


def _end_link(link: Relationship, on: date, audit: Auditor) -> None:
    """Ends a link the day before `on`; it stays on the record with its dates."""
    before = snapshot(link)
    link.active_to = on - timedelta(days=1)
    link.save(update_fields=["active_to", "updated_at"])
    audit.changed(link, before, action="relationships.end")


def _hand_over(
    source: Organisation,
    successor: Organisation,
    on: date,
    audit: Auditor,
    keep_history: bool = False,
) -> None:
    """What a closing body holds, its links and its staff, all go to its successor (its
    records of years ended before `on` stay, when `keep_history`)."""
    _move_holdings(source, successor, audit, history_before=on if keep_history else None)
    _move_links(source, successor, on, audit)
    successor.refresh_from_db()
    _move_staff(source, successor, source.staff_count or 0, audit)
    source.refresh_from_db()


def _move_links(source: Organisation, target: Organisation, on: date, audit: Auditor) -> int:
    """Re-points the source's current links to the target: old link ended, new one made."""
    moved = 0
    for link in Relationship.objects.current().filter(
        models.Q(child=source) | models.Q(parent=source)
    ):
        child = target if link.child_id == source.pk else link.child
        parent = target if link.parent_id == source.pk else link.parent
        _end_link(link, on, audit)
        if child.pk == parent.pk:
            continue  # a merger of a body into its own parent leaves no link to remake
        duplicate = Relationship.objects.current().filter(
            child=child, parent=parent, kind=link.kind
        )
        if not duplicate.exists():
            new = Relationship.objects.create(
                child=child, parent=parent, kind=link.kind, active_from=on
            )
            audit.created(new, action="relationships.create")
        moved += 1
    return moved


def _move_holdings(
    source: Organisation,
    target: Organisation,
    audit: Auditor,
    only: Iterable | None = None,
    history_before: date | None = None,
) -> int:
    moved = 0
    for holding in holding_fields():
        records = holding.model._default_manager.filter(**{holding.field_name: source})
        if only is not None:
            records = records.filter(pk__in=[o.pk for o in only if isinstance(o, holding.model)])
        combiner = _COMBINERS.get(holding.model)
        for record in records:
            if history_before is not None and is_history(record, history_before):
                continue
            before = snapshot(record)
            if combiner is not None:
                combiner(record, target, audit)
            else:
                setattr(record, holding.field_name, target)
                record.save()
                audit.changed(record, before, action="organisations.transfer_holding")
            moved += 1
    return moved


@service("organisations.establish")
def establish(
    *, kind: BodyKind | str, name: str, active_from: date, audit: Auditor, **fields
) -> Organisation:
    kind = BodyKind(kind)
    _check_kind_exists(kind.value, active_from)
    org = Organisation.objects.create(kind=kind.value, name=name, active_from=active_from, **fields)
    audit.created(org)
    return org


@service("organisations.rename")
def rename(*, organisation: Organisation, name: str, audit: Auditor) -> Organisation:
    if not name.strip():
        raise LifecycleError("a body needs a name")
    before = snapshot(organisation)
    organisation.name = name.strip()
    organisation.save(update_fields=["name", "updated_at"])
    audit.changed(organisation, before)
    return organisation


def _close(org: Organisation, on: date, successor: Organisation | None, audit: Auditor) -> None:
    if org.active_to is not None:
        raise LifecycleError(f"{org.name} already closed on {org.active_to}")
    before = snapshot(org)
    org.active_to = on - timedelta(days=1)
    org.successor = successor
    org.staff_count = None if successor else org.staff_count
    org.save(update_fields=["active_to", "successor", "staff_count", "updated_at"])
    audit.changed(org, before, action="organisations.close")


def _move_staff(source: Organisation, target: Organisation, count: int, audit: Auditor) -> None:
    if count <= 0:
        return
    if (source.staff_count or 0) < count:
        raise LifecycleError(f"{source.name} has {source.staff_count or 0} staff, not {count}")
    for org, delta in ((source, -count), (target, count)):
        before = snapshot(org)
        org.staff_count = (org.staff_count or 0) + delta
        org.save(update_fields=["staff_count", "updated_at"])
        audit.changed(org, before, action="organisations.transfer_staff")


@service("organisations.merge")
def merge(
    *,
    sources: list[Organisation],
    into: Organisation,
    on: date,
    keep_history: bool = False,
    audit: Auditor,
) -> Organisation:
    """Merges bodies into one (existing or newly established): every holding moves (but
    records of years ended before `on`, when `keep_history`: see is_history)."""
    if not sources:
        raise LifecycleError("name at least one body to merge")
    if any(s.pk == into.pk for s in sources):
        raise LifecycleError("a body cannot be merged into itself")
    if into.active_to is not None:
        raise LifecycleError(f"{into.name} is closed and cannot receive a merger")
    for source in sources:
        source.refresh_from_db()
        if source.active_to is not None:
            raise LifecycleError(f"{source.name} already closed on {source.active_to}")
        _hand_over(source, into, on, audit, keep_history)
        _close(source, on, into, audit)
    return into


@service("organisations.transfer")
def transfer(
    *,
    source: Organisation,
    target: Organisation,
    on: date,
    records: Iterable[models.Model] = (),
    children: Iterable[Organisation] = (),
    staff: int = 0,
    audit: Auditor,
) -> None:
    """Moves some holdings (records held, child bodies such as practices, staff) to another body."""
    if source.pk == target.pk:
        raise LifecycleError("source and target are the same body")
    if target.active_to is not None:
        raise LifecycleError(f"{target.name} is closed and cannot receive a transfer")
    records, children = list(records), list(children)
    if not records and not children and staff <= 0:
        raise LifecycleError("nothing to transfer: name records, child bodies or staff")
    for record in records:
        holders = [
            h
            for h in holding_fields()
            if isinstance(record, h.model) and getattr(record, f"{h.field_name}_id") == source.pk
        ]
        if not holders:
            raise LifecycleError(f"{record} is not held by {source.name}")
        _move_holdings(source, target, audit, only=[record])
    for child in children:
        if child.pk == target.pk:
            raise LifecycleError(f"{target.name} cannot be transferred to itself")
        links = Relationship.objects.current().filter(child=child, parent=source)
        if not links.exists():
            raise LifecycleError(f"{child.name} does not belong to {source.name}")
        for link in links:
            _end_link(link, on, audit)
            if (
                Relationship.objects.current()
                .filter(child=child, parent=target, kind=link.kind)
                .exists()
            ):
                continue  # it already belongs there in the same way
            new = Relationship.objects.create(
                child=child, parent=target, kind=link.kind, active_from=on
            )
            audit.created(new, action="relationships.create")
    _move_staff(source, target, staff, audit)


@service("organisations.dissolve")
def dissolve(
    *,
    organisation: Organisation,
    on: date,
    successor: Organisation | None = None,
    keep_history: bool = False,
    audit: Auditor,
) -> None:
    """Closes a body. Whatever it holds must go to a successor; nothing is orphaned."""
    if successor is not None and successor.pk == organisation.pk:
        raise LifecycleError("a body cannot be its own successor")
    if organisation.active_to is not None:
        raise LifecycleError(f"{organisation.name} already closed on {organisation.active_to}")
    held = holdings_of(organisation)
    if held and successor is None:
        listed = ", ".join(f"{n} {what}" for what, n in held.items())
        raise LifecycleError(
            f"{organisation.name} still holds {listed}; name a successor to take them"
        )
    if successor is not None:
        if successor.active_to is not None:
            raise LifecycleError(f"{successor.name} is closed and cannot take over")
        _hand_over(organisation, successor, on, audit, keep_history)
    else:
        # Links where it is the child (e.g. a PCN's membership) simply end.
        for link in Relationship.objects.current().filter(child=organisation):
            _end_link(link, on, audit)
    _close(organisation, on, successor, audit)


@service("organisations.add_function")
def add_function(*, organisation: Organisation, name: str, audit: Auditor) -> Function:
    function = Function.objects.create(organisation=organisation, name=name)
    audit.created(function)
    return function


@service("organisations.join")
def join(
    *, child: Organisation, parent: Organisation, kind: str, on: date, audit: Auditor
) -> Relationship:
    """Links a body to another from a day (a trust joins a collaborative, and so on)."""
    from openics.organisations.models import RelationshipKind

    if kind not in RelationshipKind.values:
        raise LifecycleError(f"no kind of link called {kind!r}")
    if child.pk == parent.pk:
        raise LifecycleError("a body cannot belong to itself")
    for body in (child, parent):
        if body.active_to is not None:
            raise LifecycleError(f"{body.name} closed on {body.active_to}")
    if Relationship.objects.current().filter(child=child, parent=parent, kind=kind).exists():
        raise LifecycleError(f"{child.name} already {kind} {parent.name}")
    link = Relationship.objects.create(child=child, parent=parent, kind=kind, active_from=on)
    audit.created(link)
    return link


@service("organisations.leave")
def leave(
    *, child: Organisation, parent: Organisation, kind: str, on: date, audit: Auditor
) -> None:
    """Ends a link from a day; the link stays on the record with its dates."""
    links = list(Relationship.objects.current().filter(child=child, parent=parent, kind=kind))
    if not links:
        raise LifecycleError(f"{child.name} is not {kind} {parent.name}")
    for link in links:
        _end_link(link, on, audit)


@service("organisations.transfer_staff")
def transfer_staff(
    *,
    source: Organisation,
    target: Organisation,
    on: date,
    staff: int,
    functions: str,
    legal_basis: TransferBasis | str,
    agenda_for_change: bool,
    nhs_pension: bool,
    other_terms: str = "",
    illustrative: bool = False,
    audit: Auditor,
) -> StaffTransfer:
    """Records staff who move from one body to another with a function: how many, on what
    legal basis (TUPE; COSOP between public bodies; or a transfer scheme under the Act), and
    whether their Agenda for Change terms and NHS pension are protected. Where the source's
    staff count is known it moves with them."""
    problems = []
    if source.pk == target.pk:
        problems.append("staff cannot be transferred from a body to itself")
    if not isinstance(staff, int) or isinstance(staff, bool) or staff <= 0:
        problems.append(f"a transfer moves at least one member of staff, not {staff!r}")
    if legal_basis not in TransferBasis.values:
        known = ", ".join(TransferBasis.values)
        problems.append(f"{legal_basis!r} is not a legal basis for a transfer ({known})")
    if not functions.strip():
        problems.append("say which functions moved with the staff")
    for body in (source, target):
        if body.active_from and on < body.active_from:
            problems.append(f"{body.name} was not established until {body.active_from}")
    if target.active_to is not None and on > target.active_to:
        problems.append(f"{target.name} closed on {target.active_to}")
    if source.active_to is not None and on > source.active_to + timedelta(days=1):
        problems.append(f"{source.name} closed on {source.active_to}")
    if problems:
        raise LifecycleError(
            problems,
            asked={"source": str(source), "target": str(target), "on": on, "staff": staff},
        )
    record = StaffTransfer.objects.create(
        source=source,
        target=target,
        on=on,
        staff=staff,
        functions=functions.strip(),
        legal_basis=TransferBasis(legal_basis).value,
        agenda_for_change=agenda_for_change,
        nhs_pension=nhs_pension,
        other_terms=other_terms.strip(),
        illustrative=illustrative,
    )
    audit.created(record)
    if source.staff_count and source.staff_count >= staff:
        _move_staff(source, target, staff, audit)
    return record
