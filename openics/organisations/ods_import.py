"""Importing ODS reference files: GP practices (epraccur), NHS trusts (etr), PCNs (ePCN)."""

from __future__ import annotations

import hashlib
from datetime import date

from openics.core.audit import Auditor, service
from openics.core.imports import ImportRejected, ImportReport, parse_or_reject, record_import
from openics.organisations.importers import RegistryChanges, sync_relationships, unknown_icb_rows
from openics.organisations.models import Organisation, OwnershipClass, RelationshipKind
from openics.regimes.vocabulary import BodyKind
from openics.sources.base import ODS_PRACTICE, RowError, SourceError

GP_PRACTICE_SETTING = "4"  # ODS prescribing setting for a GP practice
NOT_APPLICABLE_ICB = "Q99"


def _detect(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        return "pcns"
    return "ods-csv"


def _close_date(row) -> date | None:
    return row.close_date


@service("organisations.import_ods")
def _apply_ods(
    *, rows, kind: str, source_name: str, sha256: str, layout: str, audit: Auditor
) -> ImportReport:
    registry = RegistryChanges(audit)
    icbs = {o.code: o for o in Organisation.objects.filter(kind=BodyKind.ICB.value)}
    report = ImportReport(f"ods-{kind}", source_name, layout, len(rows))
    links = []
    for row in rows:
        if kind == "practices":
            org = registry.upsert_ods(
                BodyKind.GP_PRACTICE,
                row,
                ownership=OwnershipClass.GP_PARTNERSHIP,
                legal_form="GP practice (contract holder)",
            )
        elif "FOUNDATION TRUST" in row.name.upper():
            org = registry.upsert_ods(
                BodyKind.FOUNDATION_TRUST,
                row,
                ownership=OwnershipClass.NHS,
                legal_form="NHS foundation trust (public benefit corporation)",
            )
        else:
            org = registry.upsert_ods(
                BodyKind.NHS_TRUST, row, ownership=OwnershipClass.NHS, legal_form="NHS trust"
            )
        if row.close_date is None and row.icb_code in icbs:
            links.append((org, icbs[row.icb_code], RelationshipKind.WITHIN))
    registry.save()
    audit_changes: list[dict] = []
    child_kinds = (
        [BodyKind.GP_PRACTICE.value]
        if kind == "practices"
        else [BodyKind.NHS_TRUST.value, BodyKind.FOUNDATION_TRUST.value]
    )
    for child_kind in child_kinds:
        wanted = [link for link in links if link[0].kind == child_kind]
        made, ended = sync_relationships(
            wanted, {RelationshipKind.WITHIN.value}, child_kind, None, audit_changes
        )
        report.created += made
        report.changed += ended
    registry.finish(report, audit_changes)
    report.closed = registry.report_closed
    record_import(audit, report, sha256)
    return report


@service("organisations.import_pcns")
def _apply_pcns(
    *, pcns, members, source_name: str, sha256: str, layout: str, audit: Auditor
) -> ImportReport:
    registry = RegistryChanges(audit)
    report = ImportReport("ods-pcns", source_name, layout, len(pcns) + len(members))
    by_code = {}
    for row in pcns:
        by_code[row.code] = registry.upsert_ods(
            BodyKind.PCN,
            row,
            ownership=OwnershipClass.GP_PARTNERSHIP,
            legal_form="Primary care network",
        )
    registry.save()
    practices = {o.code: o for o in Organisation.objects.filter(kind=BodyKind.GP_PRACTICE.value)}
    links, unknown = [], set()
    for row in members:
        if row.end_date is not None or row.pcn_code not in by_code:
            continue
        practice = practices.get(row.practice_code)
        if practice is None:
            unknown.add(row.practice_code)
            continue
        links.append((practice, by_code[row.pcn_code], RelationshipKind.MEMBER))
    audit_changes: list[dict] = []
    made, ended = sync_relationships(
        links, {RelationshipKind.MEMBER.value}, BodyKind.GP_PRACTICE.value, None, audit_changes
    )
    report.created, report.changed = made, ended
    registry.finish(report, audit_changes)
    if unknown:
        report.notes.append(
            f"{len(unknown)} partner practice code(s) are not in the registry and were left out "
            "(import the practice files first)"
        )
    record_import(audit, report, sha256)
    return report


def _reject_if(source_name: str, errors: list[RowError]) -> None:
    if errors:
        raise ImportRejected(source_name, sorted(errors, key=lambda e: e.line))


def import_ods_file(data: bytes, *, source_name: str, actor, reason: str) -> ImportReport:
    """Imports an ODS file; which one it is, is recognised from its contents."""
    from openics.sources.ods import parse_epcn, parse_ods_csv

    sha256 = hashlib.sha256(data).hexdigest()
    try:
        if _detect(data) == "pcns":
            pcns, members = parse_epcn(data, source_name)
            _reject_if(source_name, pcns.errors + members.errors)
            return _apply_pcns(
                pcns=pcns.rows,
                members=members.rows,
                source_name=source_name,
                sha256=sha256,
                layout=pcns.layout,
                actor=actor,
                reason=reason,
            )
        parsed = parse_ods_csv(data, source_name)
    except SourceError as exc:
        raise ImportRejected(source_name, message=f"{source_name} was rejected: {exc}") from exc
    _reject_if(source_name, parsed.errors)
    practice_like = sum(1 for r in parsed.rows if ODS_PRACTICE.match(r.code))
    kind = "practices" if practice_like > len(parsed.rows) / 2 else "trusts"
    rows = parsed.rows
    if kind == "practices":
        rows = [r for r in rows if r.setting == GP_PRACTICE_SETTING]
    linked = [
        r for r in rows if r.close_date is None and r.icb_code and r.icb_code != NOT_APPLICABLE_ICB
    ]
    errors = unknown_icb_rows(
        linked, "unknown ICB code {row.icb_code} (not in the registry, and not Q99)"
    )
    _reject_if(source_name, errors)
    return _apply_ods(
        rows=rows,
        kind=kind,
        source_name=source_name,
        sha256=sha256,
        layout=parsed.layout,
        actor=actor,
        reason=reason,
    )


@service("organisations.import_practice_map")
def _apply_practice_map(*, data: bytes, source_name: str, parsed, audit: Auditor) -> ImportReport:
    rows = parsed.rows
    registry = RegistryChanges(audit)
    icbs = {o.code: o for o in Organisation.objects.filter(kind=BodyKind.ICB.value)}
    report = ImportReport("practice-map", source_name, parsed.layout, len(rows))
    icb_links, pcn_links = [], []
    for row in rows:
        practice = registry.upsert_practice(
            row.practice_code, name=row.practice_name, postcode=row.postcode
        )
        icb_links.append((practice, icbs[row.icb_code], RelationshipKind.WITHIN))
        if row.pcn_code:
            pcn = registry.upsert_pcn(row.pcn_code, row.pcn_name)
            pcn_links.append((practice, pcn, RelationshipKind.MEMBER))
    registry.save()
    audit_changes: list[dict] = []
    starts = min(row.extract_date for row in rows)
    for links, kind in ((icb_links, RelationshipKind.WITHIN), (pcn_links, RelationshipKind.MEMBER)):
        made, ended = sync_relationships(
            links, {kind.value}, BodyKind.GP_PRACTICE.value, starts, audit_changes
        )
        report.created += made
        report.changed += ended
    registry.finish(report, audit_changes)
    record_import(audit, report, hashlib.sha256(data).hexdigest())
    return report


def import_practice_map(data: bytes, *, source_name: str, actor, reason: str) -> ImportReport:
    """NHS Digital's practice → PCN → sub-ICB → ICB → region map of registered patients."""
    from openics.sources.practice_map import parse_practice_map

    parsed = parse_or_reject(
        parse_practice_map,
        data,
        source_name,
        what="practices in it",
        check=lambda parsed: unknown_icb_rows(
            parsed.rows, "unknown ICB code {row.icb_code}: import the practice file first"
        ),
    )
    return _apply_practice_map(
        data=data, source_name=source_name, parsed=parsed, actor=actor, reason=reason
    )
