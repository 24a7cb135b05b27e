"""Notices published on Contracts Finder and Find a Tender, imported from OCDS files: the
real public record beside what OpenICS records itself.

`import_notices` reads a file with `sources.ocds_notices`, refuses it whole when any
release cannot be read (naming each by its position and ocid), links each buyer and
supplier to the registry where it is known, keeps every release whose buyer is an NHS body
and reports the rest, all in one audited transaction with its `ImportRun`. A release
already held (same ocid and release id) is left as it is, so importing a file again adds
nothing.

Which buyer is an NHS body (ADR 0025): the registry decides when it knows the buyer (a
body owned by the NHS is; a council, company or GP partnership is not); otherwise the
published words do (`sources.ocds_notices.nhs_by_name`: an ODS code, or a name with the
word NHS, or naming an integrated care board, clinical commissioning group or
commissioning support unit).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from openics.arranging.models import PublishedNotice, PublishedNoticeSupplier
from openics.core.audit import Auditor, service, snapshot
from openics.core.imports import ImportRejected, ImportReport, parse_or_reject, record_import
from openics.kernel.money import Money
from openics.organisations.models import Organisation, OwnershipClass
from openics.sources.ocds_notices import (
    NoticeParty,
    NoticeRow,
    nhs_by_name,
    normalised_name,
    read_notices,
)

KIND = "published-notices"


@dataclass(frozen=True)
class Match:
    organisation: Organisation | None
    how: str  # "ODS code RBK", "Companies House 02577303", "name", or why none was found


@dataclass
class NoticesReport(ImportReport):
    """An import's counts, and each release not imported with the reason."""

    reported: list[str] = field(default_factory=list)
    linked_buyers: int = 0
    linked_suppliers: int = 0

    def summary(self) -> str:
        return (
            f"{self.rows:,} releases read ({self.layout}): {self.created:,} imported, "
            f"{self.unchanged:,} already held, {len(self.reported):,} reported and not "
            f"imported; {self.linked_buyers:,} buyers and {self.linked_suppliers:,} suppliers "
            "linked to the registry"
        )


class Registry:
    """The registry's bodies, found by ODS code, Companies House number or exact name."""

    def __init__(self) -> None:
        self.by_code: dict[str, list[Organisation]] = defaultdict(list)
        self.by_company: dict[str, list[Organisation]] = defaultdict(list)
        self.by_name: dict[str, list[Organisation]] = defaultdict(list)
        for org in Organisation.objects.only(
            "id", "kind", "code", "name", "ownership", "company_number", "active_from", "active_to"
        ):
            if org.code:
                self.by_code[org.code.upper()].append(org)
            if org.company_number:
                self.by_company[org.company_number.upper()].append(org)
            self.by_name[normalised_name(org.name)].append(org)

    @staticmethod
    def _one(found: list[Organisation], day) -> Organisation | None:
        if len(found) > 1:  # the one in being on the day, when only one was
            found = [
                o
                for o in found
                if (o.active_from is None or o.active_from <= day)
                and (o.active_to is None or o.active_to >= day)
            ]
        return found[0] if len(found) == 1 else None

    def match(self, party: NoticeParty, day) -> Match:
        tried = []
        if party.ods_code:
            found = self.by_code.get(party.ods_code, [])
            org = self._one(found, day)
            if org:
                return Match(org, f"ODS code {party.ods_code}")
            tried.append(f"ODS code {party.ods_code} " + ("ambiguous" if found else "not held"))
        if party.company_number:
            found = self.by_company.get(party.company_number, [])
            org = self._one(found, day)
            if org:
                return Match(org, f"Companies House {party.company_number}")
            tried.append(
                f"Companies House {party.company_number} " + ("ambiguous" if found else "not held")
            )
        found = self.by_name.get(normalised_name(party.name), [])
        org = self._one(found, day)
        if org:
            return Match(org, "exact name")
        if found:
            tried.append(f"{len(found)} bodies have that name")
        return Match(None, "not known" + (f" ({'; '.join(tried)})" if tried else ""))


def nhs_buyer(row: NoticeRow, match: Match) -> str:
    """Why the buyer is an NHS body, or "" when it is not (see the module's docstring)."""
    if match.organisation is not None:
        org = match.organisation
        if org.ownership == OwnershipClass.NHS:
            return f"the registry's {org.kind_label} {org.code or org.name}, owned by the NHS"
        return ""
    return nhs_by_name(row.buyer) if row.buyer else ""


def _not_nhs_reason(row: NoticeRow, match: Match) -> str:
    if row.buyer is None:
        return "names no buyer"
    if match.organisation is not None:
        org = match.organisation
        return (
            f"buyer {row.buyer.name!r} is the registry's {org.kind_label} "
            f"{org.code or org.name}, owned by {org.get_ownership_display().lower()}: "
            "not an NHS body"
        )
    return (
        f"buyer {row.buyer.name!r} is not an NHS body (not in the registry, and its name "
        "does not say NHS)"
    )


def _value(value) -> tuple:
    return (value.minor_units, value.currency) if value else (None, "")


@service("arranging.import_notices")
def import_notices(data: bytes, *, source_name: str, audit: Auditor) -> NoticesReport:
    """Imports every release with an NHS buyer from an OCDS file, reporting the rest; a file
    with any release that cannot be read is refused whole."""
    parsed = parse_or_reject(read_notices, data, source_name, what="releases")
    registry = Registry()
    held = {
        (ocid, release_id): digest
        for ocid, release_id, digest in PublishedNotice.objects.filter(
            ocid__in={r.ocid for r in parsed.rows}
        ).values_list("ocid", "release_id", "digest")
    }
    report = NoticesReport(
        kind=KIND, source_name=source_name, layout=parsed.layout, rows=len(parsed.rows)
    )
    report.notes = list(parsed.notes)
    keep: list[tuple[NoticeRow, Match, str, list[Match]]] = []
    for row in parsed.rows:
        day = row.published_at.date()
        buyer = registry.match(row.buyer, day) if row.buyer else Match(None, "no buyer")
        why = nhs_buyer(row, buyer)
        if not why:
            report.reported.append(
                f"{row.position} ({row.ocid}, release {row.release_id}): "
                f"{_not_nhs_reason(row, buyer)}; not imported"
            )
            continue
        if (row.ocid, row.release_id) in held:
            report.unchanged += 1
            if held[row.ocid, row.release_id] != row.digest:
                report.notes.append(
                    f"{row.position} ({row.ocid}, release {row.release_id}) is held already "
                    "with different content; a release is published once, so the copy held "
                    "is kept"
                )
            continue
        suppliers = [registry.match(s, day) for s in row.suppliers]
        keep.append((row, buyer, why, suppliers))
    if not keep and not report.unchanged:
        raise ImportRejected(
            source_name,
            message=f"{source_name} has no release with an NHS buyer; nothing was imported:\n  "
            + "\n  ".join(report.reported[:200]),
        )
    report.created = len(keep)
    counts = ImportReport(
        kind=KIND,
        source_name=source_name,
        layout=parsed.layout,
        rows=report.rows,
        created=report.created,
        unchanged=report.unchanged,
    )
    run = record_import(audit, counts, hashlib.sha256(data).hexdigest())
    notices, suppliers = [], []
    for row, buyer, why, matches in keep:
        notice = _notice(row, buyer, why, run)
        notices.append(notice)
        report.linked_buyers += buyer.organisation is not None
        for position, (party, match) in enumerate(zip(row.suppliers, matches, strict=True)):
            suppliers.append(
                PublishedNoticeSupplier(
                    notice=notice,
                    position=position,
                    name=party.name,
                    identifier=party.identifier_text,
                    company_number=party.company_number,
                    organisation=match.organisation,
                    match=match.how,
                )
            )
            report.linked_suppliers += match.organisation is not None
    PublishedNotice.objects.bulk_create(notices, batch_size=500)
    PublishedNoticeSupplier.objects.bulk_create(suppliers, batch_size=500)
    audit.record_many([{"obj": obj, "after": snapshot(obj)} for obj in [*notices, *suppliers]])
    return report


def _notice(row: NoticeRow, buyer: Match, why: str, run) -> PublishedNotice:
    tender_value, tender_currency = _value(row.tender_value)
    award_value, award_currency = _value(row.award_value)
    return PublishedNotice(
        ocid=row.ocid,
        release_id=row.release_id,
        published_at=row.published_at,
        tags=" ".join(row.tags),
        source=row.source,
        url=row.url,
        title=row.title,
        description=row.description,
        buyer_name=row.buyer.name,
        buyer_identifier=row.buyer.identifier_text,
        buyer=buyer.organisation,
        buyer_match=buyer.how,
        nhs_reason=why,
        tender_status=row.tender_status,
        tender_value=None if tender_value is None else Money(tender_value),
        tender_currency=tender_currency,
        award_value=None if award_value is None else Money(award_value),
        award_currency=award_currency,
        procurement_method=row.procurement_method,
        procurement_method_details=row.procurement_method_details,
        legal_basis_scheme=row.legal_basis_scheme,
        legal_basis_id=row.legal_basis_id,
        tender_start=row.tender_start,
        tender_end=row.tender_end,
        awarded_on=next((a.awarded_on for a in row.awards if a.awarded_on), None),
        contract_start=row.contract_start,
        contract_end=row.contract_end,
        date_signed=row.date_signed,
        digest=row.digest,
        import_run=run,
    )
