"""Successions of ICBs (the April 2026 mergers, splits and acquisition) as dated lifecycle
events: all or nothing, every move audited, through the lifecycle services.

New ICBs are established with their ODS and ONS codes and region; each predecessor closes
the day before; a merger hands everything to its successor; a split hands each practice to
the successor that takes the local authority district it is located in (the registry holds
no sub-ICB locations, so a practice follows its district), each place to the successor of
most of its practices, and the rest to the successor that takes the largest share. Records
of years ended before the succession (published allocations, books) stay with the body that
held them, reachable through the succession. A Succession row records each pair.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from openics.core.audit import Auditor, service, snapshot
from openics.core.imports import ImportRejected, ImportReport, parse_or_reject, record_import
from openics.organisations import lifecycle
from openics.organisations.importers import ics_name_of
from openics.organisations.models import (
    Organisation,
    OwnershipClass,
    Relationship,
    RelationshipKind,
    Succession,
)
from openics.organisations.selectors import current_children
from openics.regimes.vocabulary import BodyKind
from openics.sources import successions as tables
from openics.sources.base import RowError

ICB_LEGAL_FORM = "Integrated care board (statutory NHS body)"


def _region_key(name: str) -> str:
    name = name.lower().replace("&", "and").strip()
    return name.removeprefix("nhs ").strip()


def _read(files: list[tuple[str, bytes]]) -> dict:
    read: dict[str, tuple[str, bytes, object]] = {}
    for name, data in files:
        parsed = parse_or_reject(tables.parse_successions_table, data, name)
        if parsed.layout in read:
            raise ImportRejected(
                name, message=f"{name} and {read[parsed.layout][0]} are both {parsed.layout} tables"
            )
        read[parsed.layout] = (name, data, parsed)
    if tables.SUCCESSIONS not in read:
        given = ", ".join(name for name, _ in files)
        raise ImportRejected(
            given,
            message=f"{given}: no predecessor → successor table (columns "
            f"{', '.join(tables.LAYOUTS[tables.SUCCESSIONS])}) among the files given",
        )
    return read


class _Plan:
    """What the tables ask of the registry, checked against it before anything is written."""

    def __init__(self, read: dict):
        self.read = read
        self.rows = read[tables.SUCCESSIONS][2].rows
        self.name = read[tables.SUCCESSIONS][0]
        self.icbs = {o.code: o for o in Organisation.objects.filter(kind=BodyKind.ICB.value)}
        self.by_predecessor: dict[str, list] = defaultdict(list)
        for row in self.rows:
            self.by_predecessor[row.predecessor_code].append(row)
        self.listed = {r.ods_code: r for r in self._rows(tables.ICB_LIST)}
        self.areas: dict[tuple[str, str], str] = {
            (r.predecessor_code, r.area_code): r.successor_code
            for r in self._rows(tables.SPLIT_AREAS)
        }
        self.weights = self._rows(tables.SUB_ICB_WEIGHTS)

    def starts(self, code: str) -> date:
        """The day a new ICB is established: that of the successions into it."""
        return min(r.on for r in self.rows if r.successor_code == code)

    def _rows(self, layout: str) -> list:
        return self.read[layout][2].rows if layout in self.read else []

    def already_applied(self) -> bool:
        return bool(self.rows) and all(
            Succession.objects.filter(
                predecessor__code=r.predecessor_code,
                predecessor__kind=BodyKind.ICB.value,
                successor__code=r.successor_code,
                on=r.on,
            ).exists()
            for r in self.rows
        )

    def splits(self) -> dict[str, list]:
        return {p: rows for p, rows in self.by_predecessor.items() if len(rows) > 1}

    def check(self) -> None:
        errors: list[RowError] = []
        regions = {
            _region_key(o.name): o
            for o in Organisation.objects.filter(kind=BodyKind.NHS_ENGLAND_REGION.value)
        }
        self.regions = {}
        for row in self.listed.values():
            if row.status == "new":
                region = regions.get(_region_key(row.region_name))
                if region is None:
                    errors.append(RowError(row.line, f"no NHS England region {row.region_name!r}"))
                self.regions[row.ods_code] = region
                if row.ods_code in self.icbs:
                    errors.append(RowError(row.line, f"{row.ods_code} is already in the registry"))
            elif row.ods_code not in self.icbs:
                errors.append(
                    RowError(
                        row.line, f"unknown ICB code {row.ods_code}: it is listed as continuing"
                    )
                )
            for code in row.predecessor_codes:
                if code not in self.icbs:
                    errors.append(RowError(row.line, f"unknown predecessor ICB code {code}"))
        self._reject(tables.ICB_LIST, errors)

        for predecessor, rows in self.by_predecessor.items():
            for row in rows:
                if predecessor not in self.icbs:
                    errors.append(RowError(row.line, f"unknown ICB code {predecessor}"))
                elif self.icbs[predecessor].active_to is not None:
                    closed = self.icbs[predecessor].active_to
                    errors.append(RowError(row.line, f"{predecessor} already closed on {closed}"))
                if row.successor_code not in self.icbs:
                    listed = self.listed.get(row.successor_code)
                    if listed is None or listed.status != "new":
                        errors.append(
                            RowError(
                                row.line,
                                f"unknown ICB code {row.successor_code}: it is neither in the "
                                "registry nor a new ICB of the list of ICBs given",
                            )
                        )
                listed = self.listed.get(row.successor_code)
                if (
                    listed
                    and listed.predecessor_codes
                    and predecessor not in listed.predecessor_codes
                ):
                    errors.append(
                        RowError(
                            row.line,
                            f"the list of ICBs does not name {predecessor} among the "
                            f"predecessors of {row.successor_code}",
                        )
                    )
                if len(rows) == 1 and row.kind != "merger":
                    errors.append(RowError(row.line, f"{predecessor} has one successor: a merger"))
                if len(rows) > 1 and row.kind == "merger":
                    errors.append(
                        RowError(
                            row.line, f"{predecessor} has {len(rows)} successors: not a merger"
                        )
                    )
                if row.on != rows[0].on:
                    errors.append(RowError(row.line, f"{predecessor} has two succession dates"))
        self._reject(tables.SUCCESSIONS, errors)

        self.assignment: dict[str, dict[int, str]] = {}
        for predecessor, rows in self.splits().items():
            successors = {r.successor_code for r in rows}
            icb = self.icbs[predecessor]
            located = dict(
                Relationship.objects.current()
                .filter(
                    kind=RelationshipKind.LOCATED_IN,
                    child__parent_links__parent=icb,
                    child__parent_links__kind=RelationshipKind.WITHIN,
                    child__parent_links__active_to__isnull=True,
                    child__kind=BodyKind.GP_PRACTICE.value,
                )
                .values_list("child_id", "parent__ons_code")
            )
            practices = _practices_of(icb)
            assigned = {}
            for practice in practices:
                area = located.get(practice.pk, "")
                successor = self.areas.get((predecessor, area))
                if successor is None:
                    where = f"located in {area}" if area else "with no local authority"
                    errors.append(
                        RowError(
                            rows[0].line,
                            f"{predecessor} splits between {', '.join(sorted(successors))}, but "
                            f"no table of split areas says which takes practice {practice.code} "
                            f"({where})",
                        )
                    )
                    continue
                assigned[practice.pk] = successor
            self.assignment[predecessor] = assigned
        for row in self._rows(tables.SPLIT_AREAS):
            rows = self.by_predecessor.get(row.predecessor_code, [])
            if row.successor_code not in {r.successor_code for r in rows}:
                errors.append(
                    RowError(
                        row.line,
                        f"{row.successor_code} is not a successor of {row.predecessor_code} "
                        "in the successions table",
                    )
                )
        self._reject(tables.SPLIT_AREAS if self.assignment else tables.SUCCESSIONS, errors)

        self.weighted: dict[str, list] = {}
        for row in self.weights:
            owner = next(
                (
                    p
                    for p, rows in self.splits().items()
                    if row.new_icb_code in {r.successor_code for r in rows}
                ),
                None,
            )
            if owner is None:
                errors.append(
                    RowError(row.line, f"{row.new_icb_code} is not a successor of a split ICB")
                )
                continue
            self.weighted.setdefault(owner, []).append(row)
        self._reject(tables.SUB_ICB_WEIGHTS, errors)

    def _reject(self, layout: str, errors: list[RowError]) -> None:
        if errors:
            name = self.read[layout][0] if layout in self.read else self.name
            raise ImportRejected(name, sorted(errors, key=lambda e: e.line))


def _practices_of(icb: Organisation) -> list[Organisation]:
    return list(current_children(icb, BodyKind.GP_PRACTICE).order_by("code"))


def _largest_remainder(total: int, weights: dict[str, Decimal]) -> dict[str, int]:
    shares = {k: Decimal(total) * w for k, w in weights.items()}
    whole = {k: int(v.to_integral_value(ROUND_FLOOR)) for k, v in shares.items()}
    left = total - sum(whole.values())
    for k in sorted(shares, key=lambda k: (whole[k] - shares[k], k))[:left]:
        whole[k] += 1
    return whole


@service("organisations.apply_successions")
def _apply(*, plan: _Plan, audit: Auditor) -> ImportReport:
    name, data, parsed = plan.read[tables.SUCCESSIONS]
    report = ImportReport("successions", name, parsed.layout, len(plan.rows))
    moves = {"actor": audit.actor, "reason": audit.reason}
    for row in sorted(plan.listed.values(), key=lambda r: r.ods_code):
        if row.status == "new":
            icb = lifecycle.establish(
                kind=BodyKind.ICB,
                name=row.name,
                code=row.ods_code,
                ons_code=row.ons_code,
                ics_name=ics_name_of(row.name),
                ownership=OwnershipClass.NHS,
                legal_form=ICB_LEGAL_FORM,
                active_from=plan.starts(row.ods_code),
                **moves,
            )
            lifecycle.join(
                child=icb,
                parent=plan.regions[row.ods_code],
                kind=RelationshipKind.WITHIN,
                on=plan.starts(row.ods_code),
                **moves,
            )
            plan.icbs[row.ods_code] = icb
            report.created += 1
            report.notes.append(f"established {row.name} ({row.ods_code}, {row.ons_code})")
        elif plan.icbs[row.ods_code].ons_code != row.ons_code:
            icb = plan.icbs[row.ods_code]
            before = snapshot(icb)
            icb.ons_code = row.ons_code
            icb.save(update_fields=["ons_code", "updated_at"])
            audit.changed(icb, before, action="organisations.update")
            report.changed += 1
            report.notes.append(
                f"{icb.name} ({icb.code}) keeps its ODS code; its ONS code is now "
                f"{row.ons_code} (was {before.get('ons_code') or 'none'}): {row.status}"
            )
        else:
            report.unchanged += 1

    moved: Counter = Counter()
    for predecessor, rows in sorted(plan.splits().items()):
        icb = plan.icbs[predecessor]
        on = rows[0].on
        assigned = plan.assignment[predecessor]
        practices = {p.pk: p for p in _practices_of(icb)}
        by_successor: dict[str, list] = defaultdict(list)
        for pk, code in assigned.items():
            by_successor[code].append(practices[pk])
        weights = {r.new_icb_code: r.weight for r in plan.weighted.get(predecessor, [])} or {
            r.successor_code: Decimal(len(by_successor[r.successor_code]))
            / Decimal(max(len(assigned), 1))
            for r in rows
        }
        principal = max(weights, key=lambda k: (weights[k], k))
        for code, members in sorted(by_successor.items()):
            lifecycle.transfer(source=icb, target=plan.icbs[code], on=on, children=members, **moves)
            moved[(predecessor, code)] += len(members)
        successor_of_practice = {pk: code for pk, code in assigned.items()}
        for place in Organisation.objects.filter(
            kind=BodyKind.PLACE.value,
            parent_links__parent=icb,
            parent_links__active_to__isnull=True,
        ):
            votes = Counter(
                successor_of_practice.get(link.child_id)
                for link in Relationship.objects.current().filter(
                    parent=place, kind=RelationshipKind.IN_PLACE
                )
            )
            votes.pop(None, None)
            code = votes.most_common(1)[0][0] if votes else principal
            lifecycle.transfer(source=icb, target=plan.icbs[code], on=on, children=[place], **moves)
            report.notes.append(f"place {place.name} of {predecessor} goes to {code}")
        areas = {area: code for (p, area), code in plan.areas.items() if p == predecessor}
        # Records about one of its districts (an overlap with a council, say) follow it.
        by_area: dict[str, list] = defaultdict(list)
        for holding in lifecycle.holding_fields():
            if not any(f.name == "local_authority" for f in holding.model._meta.fields):
                continue
            for record in holding.model._default_manager.filter(
                **{holding.field_name: icb}
            ).select_related("local_authority"):
                code = areas.get(record.local_authority.ons_code)
                if code:
                    by_area[code].append(record)
        for code, records in sorted(by_area.items()):
            lifecycle.transfer(source=icb, target=plan.icbs[code], on=on, records=records, **moves)
        if icb.staff_count:
            shares = _largest_remainder(icb.staff_count, weights)
            for code, n in sorted(shares.items()):
                if n:
                    lifecycle.transfer(source=icb, target=plan.icbs[code], on=on, staff=n, **moves)
            report.notes.append(
                f"{predecessor}'s {icb.staff_count} staff apportioned by the stated weights: "
                + ", ".join(f"{n} to {c}" for c, n in sorted(shares.items()))
            )
        for row in plan.weighted.get(predecessor, []):
            report.notes.append(
                f"sub-ICB location {row.old_sub_icb_code} of {predecessor} is split by stated "
                f"weight: {row.weight:.1%} to {row.new_sub_icb_code} of {row.new_icb_code} "
                f"(line {row.line}); the registry holds no sub-ICB locations, so practices "
                "follow the district they are located in"
            )
        icb.refresh_from_db()
        left = {k: v for k, v in lifecycle.holdings_of(icb, history_before=on).items()}
        lifecycle.dissolve(
            organisation=icb, on=on, successor=plan.icbs[principal], keep_history=True, **moves
        )
        if left:
            report.notes.append(
                f"the rest of what {predecessor} held ("
                + ", ".join(f"{n} {what}" for what, n in left.items())
                + f") goes to {principal}, which takes its largest share; its records of "
                "years before the succession stay with it"
            )
        report.closed += 1

    mergers: dict[str, list] = defaultdict(list)
    for _predecessor, rows in sorted(plan.by_predecessor.items()):
        if len(rows) == 1:
            mergers[rows[0].successor_code].append(rows[0])
    for successor, rows in sorted(mergers.items()):
        for row in rows:
            moved[(row.predecessor_code, successor)] += len(
                _practices_of(plan.icbs[row.predecessor_code])
            )
        lifecycle.merge(
            sources=[plan.icbs[r.predecessor_code] for r in rows],
            into=plan.icbs[successor],
            on=rows[0].on,
            keep_history=True,
            **moves,
        )
        report.closed += len(rows)

    for row in plan.rows:
        succession = Succession.objects.create(
            predecessor=plan.icbs[row.predecessor_code],
            successor=plan.icbs[row.successor_code],
            on=row.on,
            kind=row.kind,
            practices=moved[(row.predecessor_code, row.successor_code)],
            note=row.note[:300],
        )
        audit.created(succession)
        report.notes.append(
            f"{row.predecessor_code} → {row.successor_code} ({row.kind}): "
            f"{succession.practices} practices"
        )
    report.created += len(plan.rows)
    for layout, (source_name, content, table) in plan.read.items():
        run = (
            report
            if layout == tables.SUCCESSIONS
            else ImportReport(
                "successions", source_name, table.layout, len(table.rows), unchanged=len(table.rows)
            )
        )
        record_import(audit, run, hashlib.sha256(content).hexdigest())
    return report


def import_successions(files: list[tuple[str, bytes]], *, actor, reason: str) -> ImportReport:
    """Applies the successions the tables give: refused whole, naming every bad line, or
    applied in one audited transaction. Applying them again changes nothing."""
    plan = _Plan(_read(files))
    if plan.already_applied():
        report = ImportReport("successions", plan.name, tables.SUCCESSIONS, len(plan.rows))
        report.unchanged = len(plan.rows)
        report.notes.append("these successions are already recorded; nothing was changed")
        return report
    plan.check()
    return _apply(plan=plan, actor=actor, reason=reason)
