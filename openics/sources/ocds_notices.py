"""Reader for published OCDS notices: Contracts Finder's and Find a Tender's release
packages and record packages.

Takes, as UTF-8 JSON:

- a release package (an object with `releases`), as Contracts Finder's search and Find a
  Tender's release endpoints give;
- a record package (an object with `records`, each with its `releases` and, where the
  releases are only linked, a `compiledRelease`), as Find a Tender's record endpoint gives;
- a list of packages (pages saved one after another), or JSON Lines of packages;
- a single release (an object with `ocid` and `id`).

Yields one `NoticeRow` per release: its ocid and release id, date, tags, buyer and
suppliers with their identifiers (an ODS code under scheme `GB-NHS`, a Companies House
number under `GB-COH`), the tender's and awards' values in pence (read from the JSON's
decimal text, never a float), the tender period and the award and contract dates, the
procurement method and its details, the legal basis (`tender.legalBasis`; a Provider
Selection Regime notice carries `2023/1348`), title and description, and where it was
published (the notice's documents or the release's `uri`).

A release this reader cannot keep whole (no ocid or id, a date that is not a date, a value
that is not an amount of money, a NUL character, a field of the wrong JSON type) is a
`RowError` naming its position in the file and its ocid; a file that is not JSON, not OCDS,
or holds no release is refused with `SourceError`. What makes a buyer an NHS body is
decided here from the published words alone (`nhs_by_name`), and by the importer with the
registry first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from openics.sources.base import LARGEST_FIGURE, Parsed, RowError, SourceError

LAYOUT_RELEASES = "ocds-release-package"
LAYOUT_RECORDS = "ocds-record-package"
LAYOUT_RELEASE = "ocds-release"

# Longest ocid, release id, identifier or currency kept; real ones are under 100 characters.
LONGEST_ID = 200
LONGEST_DETAILS = 2_000  # a procedure's details: a sentence, published as free text
LONGEST_TEXT = 100_000  # a title, description or name longer than this is not a notice's
# SI 2023/1348, the Health Care Services (Provider Selection Regime) Regulations 2023.
PSR_LEGAL_BASIS = "2023/1348"

# The publishers whose ocid prefixes are known (OCDS prefix register): named as the source.
OCID_PREFIXES = {
    "ocds-b5fd17": "Contracts Finder",
    "ocds-h6vhtk": "Find a Tender",
}


@dataclass(frozen=True)
class NoticeValue:
    """An amount as published: minor units (pence for GBP) and the currency."""

    minor_units: int
    currency: str
    rounded: bool = False  # the amount had fractions of a penny and was rounded


@dataclass(frozen=True)
class NoticeParty:
    name: str
    party_id: str  # the release's own id for the party (e.g. GB-CFS-197565)
    identifiers: tuple[tuple[str, str], ...] = ()  # (scheme, id): identifier, then additional
    company_number: str = ""  # Companies House (GB-COH), eight characters
    ods_code: str = ""  # NHS Organisation Data Service (GB-NHS)

    @property
    def identifier_text(self) -> str:
        return "; ".join(f"{scheme}:{ident}" for scheme, ident in self.identifiers)


@dataclass(frozen=True)
class NoticeAward:
    award_id: str
    status: str
    awarded_on: date | None
    value: NoticeValue | None
    suppliers: tuple[NoticeParty, ...]
    contract_start: date | None = None
    contract_end: date | None = None


@dataclass(frozen=True)
class NoticeRow:
    line: int  # the release's position among all the file's releases, from 1
    position: (
        str  # where in the file, as a person would find it: "release 3", "record 2, release 1"
    )
    ocid: str
    release_id: str
    published_at: datetime
    tags: tuple[str, ...]
    source: str  # "Contracts Finder", "Find a Tender", or the package's publisher
    buyer: NoticeParty | None
    title: str
    description: str
    tender_status: str
    tender_value: NoticeValue | None
    procurement_method: str
    procurement_method_details: str
    legal_basis_scheme: str
    legal_basis_id: str
    tender_start: date | None
    tender_end: date | None
    contract_start: date | None
    contract_end: date | None
    date_signed: date | None
    awards: tuple[NoticeAward, ...]
    url: str  # where the notice was published
    digest: str  # SHA-256 of the release as published (canonical JSON): tells two copies apart
    notes: tuple[str, ...] = field(default=())

    @property
    def is_psr(self) -> bool:
        return self.legal_basis_id == PSR_LEGAL_BASIS

    @property
    def suppliers(self) -> tuple[NoticeParty, ...]:
        """Every supplier awarded, once each, in the order the awards name them."""
        seen: dict[tuple[str, str], NoticeParty] = {}
        for award in self.awards:
            for party in award.suppliers:
                seen.setdefault((party.party_id, party.name), party)
        return tuple(seen.values())

    @property
    def award_value(self) -> NoticeValue | None:
        """The awards' values added up, when there is one currency; else None."""
        values = [a.value for a in self.awards if a.value is not None and a.status != "cancelled"]
        if not values or len({v.currency for v in values}) != 1:
            return None
        return NoticeValue(
            sum(v.minor_units for v in values), values[0].currency, any(v.rounded for v in values)
        )


@dataclass(frozen=True)
class ReleaseError(RowError):
    """A release that cannot be kept, by its position in the file and its ocid."""

    position: str = ""
    ocid: str = ""

    def __str__(self) -> str:
        where = self.position or f"release {self.line}"
        if self.ocid:
            where += f" ({self.ocid})"
        return f"{where}: {self.reason}"


# --- telling an NHS body by its published name ---------------------------------------------

_NHS_WORDS = re.compile(
    r"\bNHS\b|\bintegrated care board\b|\bclinical commissioning group\b"
    r"|\bcommissioning support unit\b",
    re.IGNORECASE,
)


def nhs_by_name(party: NoticeParty) -> str:
    """Why the published words say the party is an NHS body, or "" when they do not: an ODS
    code (scheme GB-NHS), or a name with the word NHS, or naming an integrated care board,
    clinical commissioning group or commissioning support unit."""
    if party.ods_code:
        return f"identified by ODS code {party.ods_code} (GB-NHS)"
    found = _NHS_WORDS.search(party.name)
    if found:
        return f"its name says {found.group(0)!r}"
    return ""


# Words a body's name is published with in full or short: the registry holds ICBs as
# "NHS Black Country ICB", notices name them "NHS Black Country Integrated Care Board".
_SHORT_NAMES = (
    (re.compile(r"\bintegrated care board\b"), "icb"),
    (re.compile(r"\bclinical commissioning group\b"), "ccg"),
    (re.compile(r"\blimited\b"), "ltd"),
)


def normalised_name(name: str) -> str:
    """A name compared as people read it: case, '&', punctuation and spacing aside, and
    "Integrated Care Board", "Clinical Commissioning Group" and "Limited" as ICB, CCG and
    Ltd."""
    text = name.casefold().replace("&", " and ")
    text = " ".join(re.sub(r"[^\w]+", " ", text).split())
    for words, short in _SHORT_NAMES:
        text = words.sub(short, text)
    return text


# --- reading -------------------------------------------------------------------------------


class _Bad(ValueError):
    """One reason a release cannot be kept."""


def _refuse_constant(text: str):
    raise SourceError(f"is not OCDS: JSON numbers must be finite, and {text} is not")


def _load_json(text: str, source: str):
    def load(chunk: str):
        return json.loads(chunk, parse_float=Decimal, parse_constant=_refuse_constant)

    try:
        return [load(text)]
    except SourceError as exc:
        raise SourceError(f"{source} {exc}") from None
    except RecursionError:
        raise SourceError(f"{source} is nested too deeply to be an OCDS file") from None
    except json.JSONDecodeError as exc:
        if not exc.msg.startswith("Extra data"):
            raise SourceError(
                f"{source} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ) from None
    except ValueError as exc:  # an integer of more digits than Python will read
        raise SourceError(f"{source} is not an OCDS file: {exc}") from None
    # JSON Lines: one package (or release) a line.
    values = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append(load(line))
        except SourceError as exc:
            raise SourceError(f"{source} line {number} {exc}") from None
        except RecursionError:
            raise SourceError(f"{source} line {number} is nested too deeply") from None
        except ValueError as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise SourceError(f"{source} line {number} is not JSON: {reason}") from None
    return values


def _releases_of(values: list, source: str) -> Iterator[tuple[str, str, object, dict]]:
    """Each release in the file: (layout, position, the release, its package)."""
    packages = []
    for value in values:
        if isinstance(value, list):
            packages.extend(value)
        else:
            packages.append(value)
    several = len(packages) > 1
    found_any = False
    for p_index, package in enumerate(packages, start=1):
        where = f"package {p_index}, " if several else ""
        if not isinstance(package, dict):
            raise SourceError(
                f"{source} is not OCDS: {where or 'its content is '}a JSON "
                f"{type(package).__name__}, not a release or record package"
            )
        if "releases" in package:
            found_any = True
            releases = package["releases"]
            if not isinstance(releases, list):
                raise SourceError(f"{source} is not OCDS: {where}`releases` is not a list")
            for r_index, release in enumerate(releases, start=1):
                yield LAYOUT_RELEASES, f"{where}release {r_index}", release, package
        elif "records" in package:
            found_any = True
            records = package["records"]
            if not isinstance(records, list):
                raise SourceError(f"{source} is not OCDS: {where}`records` is not a list")
            for c_index, record in enumerate(records, start=1):
                at = f"{where}record {c_index}"
                yield from _releases_of_record(record, at, package)
        elif "ocid" in package and "id" in package:
            found_any = True
            yield LAYOUT_RELEASE, f"{where}release 1", package, {}
        else:
            raise SourceError(
                f"{source} is not OCDS: {where or 'the file '}has no `releases` or `records`"
            )
    if not found_any:
        raise SourceError(f"{source} holds no OCDS package")


class _Unreadable:
    """A record whose releases cannot be found: reported in a release's place."""

    def __init__(self, reason: str, ocid):
        self.reason = reason
        self.ocid = ocid

    def get(self, key, default=None):
        return self.ocid if key == "ocid" else default


def _releases_of_record(record, at: str, package: dict):
    if not isinstance(record, dict):
        yield LAYOUT_RECORDS, at, record, package
        return
    ocid = record.get("ocid")
    releases = record.get("releases")
    if releases is not None and not isinstance(releases, list):
        reason = f"the record's releases are a JSON {_kind(releases)}, not a list"
        yield LAYOUT_RECORDS, at, _Unreadable(reason, ocid), package
        return
    releases = releases or []
    full = [
        (index, r)
        for index, r in enumerate(releases, start=1)
        if not (isinstance(r, dict) and _linked_only(r))
    ]
    if full:
        for index, release in full:
            yield LAYOUT_RECORDS, f"{at}, release {index}", release, package
        return
    compiled = record.get("compiledRelease")
    if compiled is not None:
        yield LAYOUT_RECORDS, f"{at}, compiled release", compiled, package
        return
    reason = (
        "the record holds only links to its releases and no compiled release; "
        "download the release package instead"
        if releases
        else "the record holds no release"
    )
    yield LAYOUT_RECORDS, at, _Unreadable(reason, ocid), package


def _linked_only(release: dict) -> bool:
    """A linked release names where the release is, and holds none of it."""
    return "url" in release and "id" not in release


def read_notices(data: bytes, source: str) -> Parsed[NoticeRow]:
    """Every release of an OCDS file as a NoticeRow, and every release it cannot keep."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{source} is not UTF-8 text: byte {exc.start} cannot be read (OCDS is UTF-8 JSON)"
        ) from None
    if not text.strip():
        raise SourceError(f"{source} is empty")
    values = _load_json(text, source)
    parsed: Parsed[NoticeRow] = Parsed(layout=LAYOUT_RELEASES)
    layouts = set()
    seen: dict[tuple[str, str], NoticeRow] = {}
    line = 0
    for layout, position, release, package in _releases_of(values, source):
        line += 1
        layouts.add(layout)
        ocid = release.get("ocid") if isinstance(release, dict | _Unreadable) else None
        ocid = ocid if isinstance(ocid, str) and len(ocid) <= LONGEST_ID else ""
        try:
            row = _notice(release, line, position, package)
        except _Bad as exc:
            parsed.errors.append(ReleaseError(line, str(exc), position=position, ocid=ocid))
            continue
        key = (row.ocid, row.release_id)
        if key in seen:
            if seen[key].digest != row.digest:
                parsed.errors.append(
                    ReleaseError(
                        line,
                        f"release id {row.release_id} appears again, with different content, "
                        f"at {seen[key].position}; a release is published once",
                        position=position,
                        ocid=row.ocid,
                    )
                )
            else:
                parsed.notes.append(
                    f"{position} repeats {seen[key].position} ({row.ocid} release "
                    f"{row.release_id}); read once"
                )
            continue
        seen[key] = row
        parsed.rows.append(row)
    if line == 0:
        raise SourceError(f"{source} holds no releases")
    if layouts == {LAYOUT_RELEASE}:
        parsed.layout = LAYOUT_RELEASE
    elif LAYOUT_RECORDS in layouts:
        parsed.layout = LAYOUT_RECORDS if len(layouts) == 1 else "ocds-packages"
    for row in parsed.rows:
        parsed.notes.extend(f"{row.position} ({row.ocid}): {note}" for note in row.notes)
    return parsed


# --- one release ---------------------------------------------------------------------------


def _canonical(release) -> str:
    return json.dumps(release, sort_keys=True, separators=(",", ":"), default=str)


def _find_nul(value, path: str = "") -> str | None:
    if isinstance(value, str):
        return (path or "a value") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                return f"a key under {path or 'the release'}"
            found = _find_nul(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_nul(item, f"{path}[{index}]")
            if found:
                return found
    return None


def _obj(parent: dict, key: str, path: str) -> dict:
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Bad(f"{path}{key} is a JSON {_kind(value)}, not an object")
    return value


def _list(parent: dict, key: str, path: str) -> list:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(f"{path}{key} is a JSON {_kind(value)}, not a list")
    return value


def _text(parent: dict, key: str, path: str, *, limit: int = LONGEST_TEXT) -> str:
    value = parent.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Bad(f"{path}{key} is a JSON {_kind(value)}, not text")
    text = str(value).strip()
    if len(text) > limit:
        raise _Bad(f"{path}{key} is {len(text):,} characters long; at most {limit:,} are kept")
    return text


def _kind(value) -> str:
    return {
        dict: "object",
        list: "list",
        str: "string",
        bool: "true/false",
        int: "number",
        Decimal: "number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _moment(parent: dict, key: str, path: str) -> datetime | None:
    text = _text(parent, key, path, limit=40)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Bad(f"{path}{key} {text!r} is not a date and time (ISO 8601)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _day(parent: dict, key: str, path: str) -> date | None:
    """The day as published (in the time zone written), not moved to UTC: a contract that
    ends at 23:59:59+01:00 ends on that day."""
    moment = _moment(parent, key, path)
    return moment.date() if moment else None


def _value(parent: dict, key: str, path: str) -> NoticeValue | None:
    value = _obj(parent, key, path)
    if not value:
        return None
    where = f"{path}{key}"
    amount = value.get("amount")
    if amount is None:
        return None
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise _Bad(f"{where}.amount is a JSON {_kind(amount)}, not a number")
    amount = Decimal(amount)
    if amount < 0:
        raise _Bad(f"{where}.amount is negative ({amount})")
    if amount >= LARGEST_FIGURE:
        raise _Bad(f"{where}.amount {amount:,} is too large to be the value of a notice")
    currency = value.get("currency")
    if currency is None:
        currency = ""  # kept as "currency not published"
    elif not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise _Bad(f"{where}.currency {currency!r} is not a three-letter currency code")
    minor = amount * 100
    whole = minor.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return NoticeValue(int(whole), currency, rounded=whole != minor)


def _party(entry: dict, path: str, parties: dict[str, dict]) -> NoticeParty:
    """A reference to a party (buyer, supplier), filled in from the release's parties."""
    party_id = _text(entry, "id", path, limit=LONGEST_ID)
    full = parties.get(party_id, {}) if party_id else {}
    name = _text(entry, "name", path) or _text(full, "name", f"parties[{party_id}].")
    identifiers: list[tuple[str, str]] = []
    for source, where in ((full, f"parties[{party_id}]."), (entry, path)):
        ident = _obj(source, "identifier", where)
        extra = _list(source, "additionalIdentifiers", where)
        for i, item in enumerate([ident, *extra]):
            if not isinstance(item, dict):
                raise _Bad(f"{where}additionalIdentifiers[{i - 1}] is not an object")
            scheme = _text(item, "scheme", where, limit=LONGEST_ID)
            value = _text(item, "id", where, limit=LONGEST_ID)
            if scheme and value and (scheme, value) not in identifiers:
                identifiers.append((scheme, value))
    company = ""
    ods = ""
    for scheme, value in identifiers:
        if scheme == "GB-COH" and not company:
            number = value.replace(" ", "").upper()
            if number.isdigit() and len(number) <= 8:
                number = number.zfill(8)
            company = number if re.fullmatch(r"[A-Z0-9]{8}", number) else ""
        if scheme == "GB-NHS" and not ods:
            code = value.strip().upper()
            ods = code if re.fullmatch(r"[A-Z0-9]{3,6}", code) else ""
    if not name:
        raise _Bad(f"{path.rstrip('.')} has no name")
    return NoticeParty(name, party_id, tuple(identifiers), company, ods)


def _where_published(release: dict, tender: dict, awards: list) -> tuple[str, str]:
    """The notice's page, and how it was found when the release does not link it: a
    document that is a notice (award's first, then tender's), else any document with a web
    address, else the release's own uri, else the page the platform shows it on."""
    documents = []
    for i, award in enumerate(awards):
        documents += [(d, f"awards[{i}].documents") for d in _list(award, "documents", "")]
    documents += [(d, "tender.documents") for d in _list(tender, "documents", "tender.")]
    planning = _obj(release, "planning", "")
    documents += [(d, "planning.documents") for d in _list(planning, "documents", "planning.")]
    documents += [(d, "documents") for d in _list(release, "documents", "")]
    links = []
    for document, path in documents:
        if not isinstance(document, dict):
            raise _Bad(f"{path} holds a JSON {_kind(document)}, not a document")
        url = _text(document, "url", f"{path}.", limit=2000)
        if url.startswith(("https://", "http://")):
            kind = _text(document, "documentType", f"{path}.", limit=LONGEST_ID)
            links.append((0 if kind.endswith("Notice") else 1, url))
    if links:
        return min(links, key=lambda link: link[0])[1], ""
    uri = _text(release, "uri", "", limit=2000)
    if uri.startswith(("https://", "http://")):
        return uri, ""
    return _notice_page(release)


# Where each platform shows a notice, from the release id it gives the notice: Find a
# Tender's release id is the notice's number (001323-2023); Contracts Finder's is the
# notice's id with a sequence number after it (<notice id>-833041).
_PAGES = {
    "ocds-h6vhtk": (
        re.compile(r"^(\d{6}-\d{4})$"),
        "https://www.find-tender.service.gov.uk/Notice/",
    ),
    "ocds-b5fd17": (
        re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-\d+$"),
        "https://www.contractsfinder.service.gov.uk/Notice/",
    ),
}


def _notice_page(release: dict) -> tuple[str, str]:
    """The notice's page worked out from its release id, where the release links none."""
    ocid, release_id = str(release.get("ocid", "")), str(release.get("id", ""))
    page = _PAGES.get("-".join(ocid.split("-")[:2]))
    found = page and page[0].match(release_id)
    if not found:
        return "", ""
    return page[1] + found.group(1), "the notice's address is worked out from its release id"


def _notice(release, line: int, position: str, package: dict) -> NoticeRow:
    if isinstance(release, _Unreadable):
        raise _Bad(release.reason)
    if not isinstance(release, dict):
        raise _Bad(f"is a JSON {_kind(release)}, not a release")
    nul = _find_nul(release)
    if nul:
        raise _Bad(f"{nul} contains a NUL character")
    ocid = _text(release, "ocid", "", limit=LONGEST_ID)
    release_id = _text(release, "id", "", limit=LONGEST_ID)
    if not ocid:
        raise _Bad("has no ocid")
    if not release_id:
        raise _Bad("has no release id")
    published_at = _moment(release, "date", "")
    if published_at is None:
        raise _Bad("has no date")
    tags = _list(release, "tag", "")
    if not tags or not all(isinstance(t, str) and 0 < len(t) <= 40 for t in tags):
        raise _Bad("has no tag (a list of words such as 'tender' or 'award')")

    parties: dict[str, dict] = {}
    for i, party in enumerate(_list(release, "parties", "")):
        if not isinstance(party, dict):
            raise _Bad(f"parties[{i}] is a JSON {_kind(party)}, not an object")
        party_id = _text(party, "id", f"parties[{i}].", limit=LONGEST_ID)
        if party_id:
            parties[party_id] = party
    buyer_ref = _obj(release, "buyer", "")
    if not buyer_ref:  # an older release names its buyer only by role
        for party_id, party in parties.items():
            roles = party.get("roles")
            if isinstance(roles, list) and "buyer" in roles:
                buyer_ref = {"id": party_id}
                break
    buyer = _party(buyer_ref, "buyer.", parties) if buyer_ref else None

    tender = _obj(release, "tender", "")
    tender_period = _obj(tender, "tenderPeriod", "tender.")
    tender_contract = _obj(tender, "contractPeriod", "tender.")
    legal_basis = _obj(tender, "legalBasis", "tender.")

    awards: list[NoticeAward] = []
    raw_awards = _list(release, "awards", "")
    for i, award in enumerate(raw_awards):
        path = f"awards[{i}]."
        if not isinstance(award, dict):
            raise _Bad(f"awards[{i}] is a JSON {_kind(award)}, not an object")
        suppliers = []
        for j, supplier in enumerate(_list(award, "suppliers", path)):
            if not isinstance(supplier, dict):
                raise _Bad(f"{path}suppliers[{j}] is a JSON {_kind(supplier)}, not an object")
            suppliers.append(_party(supplier, f"{path}suppliers[{j}].", parties))
        period = _obj(award, "contractPeriod", path)
        awards.append(
            NoticeAward(
                award_id=_text(award, "id", path, limit=LONGEST_ID),
                status=_text(award, "status", path, limit=40),
                awarded_on=_day(award, "date", path),
                value=_value(award, "value", path),
                suppliers=tuple(suppliers),
                contract_start=_day(period, "startDate", f"{path}contractPeriod."),
                contract_end=_day(period, "endDate", f"{path}contractPeriod."),
            )
        )
    contract_start = contract_end = date_signed = None
    for i, contract in enumerate(_list(release, "contracts", "")):
        path = f"contracts[{i}]."
        if not isinstance(contract, dict):
            raise _Bad(f"contracts[{i}] is a JSON {_kind(contract)}, not an object")
        period = _obj(contract, "period", path)
        contract_start = contract_start or _day(period, "startDate", f"{path}period.")
        contract_end = contract_end or _day(period, "endDate", f"{path}period.")
        date_signed = date_signed or _day(contract, "dateSigned", path)
    contract_start = (
        contract_start
        or next((a.contract_start for a in awards if a.contract_start), None)
        or _day(tender_contract, "startDate", "tender.contractPeriod.")
    )
    contract_end = (
        contract_end
        or next((a.contract_end for a in awards if a.contract_end), None)
        or _day(tender_contract, "endDate", "tender.contractPeriod.")
    )

    notes = []
    tender_value = _value(tender, "value", "tender.")
    values = [tender_value, *(a.value for a in awards)]
    if any(v is not None and not v.currency for v in values):
        notes.append("a value was published without its currency; kept as published")
    if tender_value and tender_value.rounded:
        notes.append("the tender's value had fractions of a penny; rounded to the penny")
    if any(a.value and a.value.rounded for a in awards):
        notes.append("an award's value had fractions of a penny; rounded to the penny")

    url, how = _where_published(release, tender, raw_awards)
    if how:
        notes.append(how)
    publisher = _obj(package, "publisher", "package.") if isinstance(package, dict) else {}
    prefix = "-".join(ocid.split("-")[:2])
    source = OCID_PREFIXES.get(prefix) or _text(publisher, "name", "publisher.", limit=200)
    return NoticeRow(
        line=line,
        position=position,
        ocid=ocid,
        release_id=release_id,
        published_at=published_at,
        tags=tuple(tags),
        source=source or "not known",
        buyer=buyer,
        title=_text(tender, "title", "tender.") or _text(release, "title", ""),
        description=_text(tender, "description", "tender.") or _text(release, "description", ""),
        tender_status=_text(tender, "status", "tender.", limit=40),
        tender_value=tender_value,
        procurement_method=_text(tender, "procurementMethod", "tender.", limit=40),
        procurement_method_details=_text(
            tender, "procurementMethodDetails", "tender.", limit=LONGEST_DETAILS
        ),
        legal_basis_scheme=_text(legal_basis, "scheme", "tender.legalBasis.", limit=LONGEST_ID),
        legal_basis_id=_text(legal_basis, "id", "tender.legalBasis.", limit=LONGEST_ID),
        tender_start=_day(tender_period, "startDate", "tender.tenderPeriod."),
        tender_end=_day(tender_period, "endDate", "tender.tenderPeriod."),
        contract_start=contract_start,
        contract_end=contract_end,
        date_signed=date_signed,
        awards=tuple(awards),
        url=url,
        digest=_digest(release),
        notes=tuple(notes),
    )


def _digest(release: dict) -> str:
    import hashlib

    return hashlib.sha256(_canonical(release).encode()).hexdigest()
