"""Importing ODS reference files: GP practices (epraccur), NHS trusts (etr), sub-ICB locations
(eccg), PCNs and their members (ePCN, epcncorepartnerdetails), in either ODS layout."""

from __future__ import annotations

import hashlib

from openics.core.audit import Auditor, service
from openics.core.imports import (
    ImportRejected,
    ImportReport,
    parse_or_reject,
    record_import,
    values_too_long,
)
from openics.organisations.importers import (
    ICBS_ESTABLISHED,
    RegistryChanges,
    sync_relationships,
    unknown_icb_rows,
)
from openics.organisations.models import Organisation, OwnershipClass, RelationshipKind
from openics.regimes.vocabulary import BodyKind
from openics.sources.base import RowError, SourceError
from openics.sources.ods import DSE_PCN_PARTNERS_LAYOUT, SUB_ICB_LOCATION_ROLE

NOT_APPLICABLE_ICB = "Q99"


def _is_closed(row) -> bool:
    return row.close_date is not None or row.status == "closed"


def _practices_held(rows) -> str:
    """'6,603 active GP practices, 52 dormant, 1,534 closed' (and any proposed)."""
    closed = sum(1 for r in rows if _is_closed(r))
    dormant = sum(1 for r in rows if not _is_closed(r) and r.status == "dormant")
    proposed = sum(1 for r in rows if not _is_closed(r) and r.status == "proposed")
    active = len(rows) - closed - dormant - proposed
    text = f"{active:,} active GP practices, {dormant:,} dormant, {closed:,} closed"
    return text + (f", {proposed:,} proposed" if proposed else "")


def _trust_kind(row) -> tuple[BodyKind, str]:
    if "FOUNDATION TRUST" in row.name.upper():
        return BodyKind.FOUNDATION_TRUST, "NHS foundation trust (public benefit corporation)"
    return BodyKind.NHS_TRUST, "NHS trust"


@service("organisations.import_ods")
def _apply_ods(
    *, rows, kind: str, source_name: str, sha256: str, layout: str, read: int, audit: Auditor
) -> ImportReport:
    registry = RegistryChanges(audit)
    icbs = {o.code: o for o in Organisation.objects.filter(kind=BodyKind.ICB.value)}
    sub_icbs = {
        o.code: o for o in Organisation.objects.filter(kind=BodyKind.SUB_ICB_LOCATION.value)
    }
    report = ImportReport(f"ods-{kind}", source_name, layout, read)
    links = []
    for row in rows:
        if kind == "practices":
            org = registry.upsert_ods(
                BodyKind.GP_PRACTICE,
                row,
                ownership=OwnershipClass.GP_PARTNERSHIP,
                legal_form="GP practice (contract holder)",
                dormant=row.status == "dormant" and row.close_date is None,
            )
        elif kind == "sub_icb_locations":
            # The code may be older (a CCG's, from 2013); as a sub-ICB location of an ICB
            # the body exists from the day ICBs did.
            org = registry.upsert(
                BodyKind.SUB_ICB_LOCATION,
                row.code,
                code=row.code,
                name=row.name,
                postcode=row.postcode,
                ownership=OwnershipClass.NHS,
                legal_form="Sub-ICB location (part of its ICB)",
                active_from=max(row.open_date or ICBS_ESTABLISHED, ICBS_ESTABLISHED),
                active_to=row.close_date,
            )
        else:
            body_kind, legal_form = _trust_kind(row)
            org = registry.upsert_ods(
                body_kind, row, ownership=OwnershipClass.NHS, legal_form=legal_form
            )
        if row.close_date is None and row.icb_code in icbs:
            links.append((org, icbs[row.icb_code], RelationshipKind.WITHIN))
        if kind == "practices" and row.close_date is None and row.commissioner_code in sub_icbs:
            links.append((org, sub_icbs[row.commissioner_code], RelationshipKind.WITHIN))
    registry.save()
    audit_changes: list[dict] = []
    child_kinds = {
        "practices": [BodyKind.GP_PRACTICE.value],
        "sub_icb_locations": [BodyKind.SUB_ICB_LOCATION.value],
        "trusts": [BodyKind.NHS_TRUST.value, BodyKind.FOUNDATION_TRUST.value],
    }[kind]
    for child_kind in child_kinds:
        wanted = [link for link in links if link[0].kind == child_kind]
        made, ended = sync_relationships(
            wanted, {RelationshipKind.WITHIN.value}, child_kind, None, audit_changes
        )
        report.created += made
        report.changed += ended
    registry.finish(report, audit_changes)
    report.closed = registry.report_closed
    if kind == "practices":
        report.holds = _practices_held(rows)
        if sub_icbs:
            linked = sum(1 for _, parent, _ in links if parent.kind == BodyKind.SUB_ICB_LOCATION)
            report.notes.append(f"{linked:,} practices linked to their sub-ICB location")
        else:
            report.notes.append(
                "no sub-ICB locations are loaded, so practices were not linked to them "
                "(import eccg.csv first)"
            )
    elif kind == "sub_icb_locations":
        report.holds = f"{len(rows):,} sub-ICB locations"
    else:
        open_now = sum(1 for r in rows if r.close_date is None)
        report.holds = f"{open_now:,} open trusts, {len(rows) - open_now:,} closed"
    if read != len(rows):
        report.notes.append(
            f"{read - len(rows):,} rows of other kinds were read and left out ({_left_out(kind)})"
        )
    record_import(audit, report, sha256)
    return report


def _left_out(kind: str) -> str:
    return {
        "practices": "prescribing cost centres that are not GP practices",
        "sub_icb_locations": "closed CCGs, sub-ICB reporting entities and commissioning hubs",
        "trusts": "",
    }[kind]


@service("organisations.import_pcns")
def _apply_pcns(
    *, pcns, members, source_name: str, sha256: str, layout: str, audit: Auditor
) -> ImportReport:
    registry = RegistryChanges(audit)
    # The workbook has a row per PCN and one per membership; the DSE CSV only the latter.
    read = len(members) if layout == DSE_PCN_PARTNERS_LAYOUT else len(pcns) + len(members)
    report = ImportReport("ods-pcns", source_name, layout, read)
    by_code = {}
    for row in pcns:
        if row.open_date is None and row.close_date is None and not row.postcode:
            # A file of memberships names its PCNs but not their dates: leave those alone.
            by_code[row.code] = registry.upsert_pcn(row.code, row.name)
        else:
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
    current = sum(1 for row in members if row.end_date is None)
    report.holds = f"{len(pcns):,} PCNs, {current:,} current memberships"
    if unknown:
        report.notes.append(
            f"{len(unknown)} partner practice code(s) are not in the registry and were left out "
            "(import the practice files first)"
        )
    record_import(audit, report, sha256)
    return report


# What an ODS file's columns are stored in, and what to call each in a refusal.
_ODS_COLUMNS = [
    ("code", "code", "column 1 (code)"),
    ("name", "name", "column 2 (name)"),
    ("postcode", "postcode", "column 10 (postcode)"),
]
_PCN_COLUMNS = [
    ("code", "code", "the PCN code"),
    ("name", "name", "the PCN name"),
    ("postcode", "postcode", "the PCN postcode"),
]

_MAP_COLUMNS = [
    ("practice_code", "code", "PRACTICE_CODE"),
    ("practice_name", "name", "PRACTICE_NAME"),
    ("postcode", "postcode", "PRACTICE_POSTCODE"),
    ("pcn_code", "code", "PCN_CODE"),
    ("pcn_name", "name", "PCN_NAME"),
]


def _stored(columns) -> list[tuple]:
    """For values_too_long: the limit of each is its Organisation field's max_length."""
    return [(attr, Organisation._meta.get_field(name), label) for attr, name, label in columns]


def _reject_if(source_name: str, errors: list[RowError]) -> None:
    if errors:
        raise ImportRejected(source_name, sorted(errors, key=lambda e: e.line))


def _refuse(source_name: str, problem: str) -> ImportRejected:
    return ImportRejected(
        source_name, message=f"{source_name} was rejected: {problem}; nothing was written"
    )


def import_ods_file(data: bytes, *, source_name: str, actor, reason: str) -> ImportReport:
    """Imports an ODS file; which one it is, and in which layout, is recognised from its
    contents: practices (epraccur), trusts (etr) or sub-ICB locations (eccg) in the legacy
    or DSE layout, PCN membership as the DSE CSV or the ePCN workbook."""
    from openics.sources.ods import (
        is_csv_pcn_membership,
        is_gp_practice,
        ods_layout,
        parse_epcn,
        parse_ods_csv,
        parse_pcn_partners_csv,
    )

    sha256 = hashlib.sha256(data).hexdigest()
    try:
        if data[:4] == b"PK\x03\x04" or is_csv_pcn_membership(data):
            reader = parse_epcn if data[:4] == b"PK\x03\x04" else parse_pcn_partners_csv
            pcns, members = reader(data, source_name)
            _reject_if(
                source_name,
                pcns.errors + members.errors + values_too_long(pcns.rows, _stored(_PCN_COLUMNS)),
            )
            if not members.rows and not pcns.rows:
                raise _refuse(source_name, f"it holds no PCNs ({members.layout})")
            return _apply_pcns(
                pcns=pcns.rows,
                members=members.rows,
                source_name=source_name,
                sha256=sha256,
                layout=members.layout,
                actor=actor,
                reason=reason,
            )
        parsed = parse_ods_csv(data, source_name)
    except SourceError as exc:
        raise ImportRejected(source_name, message=f"{source_name} was rejected: {exc}") from exc
    _reject_if(source_name, parsed.errors)
    layout = ods_layout(parsed.layout)
    rows = parsed.rows
    if layout.holds == "practices":
        rows = [r for r in rows if is_gp_practice(r)]
        what = "GP practices (role RO76)" if layout.roles else "GP practices (setting 4)"
    elif layout.holds == "sub_icb_locations":
        rows = [r for r in rows if SUB_ICB_LOCATION_ROLE in r.roles]
        what = f"sub-ICB locations (role {SUB_ICB_LOCATION_ROLE})"
    else:
        what = "trusts"
    if not rows:
        raise _refuse(
            source_name, f"read as {layout.name}, its {len(parsed.rows):,} rows hold no {what}"
        )
    linked = [
        r for r in rows if r.close_date is None and r.icb_code and r.icb_code != NOT_APPLICABLE_ICB
    ]
    errors = unknown_icb_rows(
        linked, "unknown ICB code {row.icb_code} (not in the registry, and not Q99)"
    )
    _reject_if(source_name, errors + values_too_long(rows, _stored(_ODS_COLUMNS)))
    return _apply_ods(
        rows=rows,
        kind=layout.holds,
        source_name=source_name,
        sha256=sha256,
        layout=parsed.layout,
        read=len(parsed.rows),
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
        check=lambda parsed: (
            unknown_icb_rows(
                parsed.rows, "unknown ICB code {row.icb_code}: import the practice file first"
            )
            + values_too_long(parsed.rows, _stored(_MAP_COLUMNS))
        ),
    )
    return _apply_practice_map(
        data=data, source_name=source_name, parsed=parsed, actor=actor, reason=reason
    )
