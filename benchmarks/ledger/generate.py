"""Generator of national-scale books: 42 ICBs, their places and providers, millions of postings.

Deterministic: the same seed and size give byte-identical files. The 42 ICBs, their
weighted populations and their local authority districts come from NHS England's
2025/26 place-based tool file in data/ (up to five districts per ICB become its places);
the NHS trusts and foundation trusts come from the ODS file in data/; independent and
voluntary providers, contracts and payments are made up from the seed.

Every payment becomes one transaction with two postings (the contract's commitment →
the provider's cash; for a subcontract, the prime provider's cash → the subcontractor's
cash), so N postings are N / 2 payment rows, written as the CSV that
`openics ledger import` reads, in chunk files. Each contract's commitment is the sum
of its payments plus a margin, and each ICB's allocation is the sum of its
commitments, so every file imports without a refusal.

Run on its own to write the files and a summary (no database needed):
    .venv/bin/python benchmarks/ledger/generate.py --postings 10000000 --out /tmp/books
`benchmark.py` uses `plan`, `write_payments` and `build_books` from here.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRACTICE_FILE = ROOT / "data" / "nhse-place-based-tool" / "2025_2026.csv"
TRUST_FILE = ROOT / "data" / "ods-etr" / "etr.csv"
YEAR_START = date(2025, 4, 1)
YEAR_END = date(2026, 3, 31)
HEADER = "contract,invoice,date_paid,amount,element\n"
PLACES_PER_ICB = 5
# Sectors an ICB buys from independent and voluntary providers, with their weights.
OTHER_SECTORS = [
    ("community", 4),
    ("mental_health", 3),
    ("acute", 3),
    ("primary", 2),
    ("social_care", 1),
]


@dataclass
class Body:
    key: str  # unique within the plan; the ODS code where there is one
    kind: str
    name: str
    code: str = ""
    ownership: str = "nhs"
    icb: str = ""  # for a place or a trust: the ICB it belongs to


@dataclass
class ContractPlan:
    reference: str
    commissioner: str  # Body.key: an ICB, or for a subcontract the prime provider
    provider: str
    sector: str
    place: str = ""  # Body.key of a place of the commissioning ICB, or "" (ICB-wide)
    prime: str = ""  # reference of the prime contract, for a subcontract
    mechanism: str = "activity"
    weight: float = 1.0  # share of the payment rows
    mean_pence: int = 200_000
    subcontract: str = ""  # reference of this contract's subcontract, if it has one


@dataclass
class NationalBooks:
    seed: int
    nhse: Body
    icbs: list[Body]
    places: list[Body]
    providers: list[Body]
    contracts: list[ContractPlan]
    paid: dict[str, int] = field(default_factory=dict)  # reference → pence paid in the files
    rows: int = 0

    def bodies(self) -> list[Body]:
        return [self.nhse, *self.icbs, *self.places, *self.providers]

    def commitment(self, reference: str) -> int:
        """What to commit to a prime contract: its payments plus 2% and £1,000."""
        return self.paid.get(reference, 0) * 102 // 100 + 100_000


def _icbs_and_districts() -> tuple[list[tuple[str, str, float]], dict[str, list[str]]]:
    population: dict[str, float] = defaultdict(float)
    names: dict[str, str] = {}
    districts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    with PRACTICE_FILE.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            people = float(row["Population"] or 0)
            population[row["ICB"]] += people
            names[row["ICB"]] = row["ICBname"]
            districts[row["ICB"]][row["LTLA"] or row["LAD"]] += people
    icbs = sorted((code, names[code], population[code]) for code in population)
    places = {
        code: [d for d, _ in sorted(lads.items(), key=lambda kv: (-kv[1], kv[0]))][:PLACES_PER_ICB]
        for code, lads in districts.items()
    }
    return icbs, places


def _trusts() -> list[tuple[str, str, str]]:
    trusts = []
    with TRUST_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            code, name, icb = row[0], row[1].title().replace("Nhs", "NHS"), row[3]
            if row[10] and not row[11]:  # open, not closed
                trusts.append((code, name, icb))
    return sorted(trusts)


def plan(seed: int = 5, providers_per_icb: int = 60) -> NationalBooks:
    """The organisations and contracts (no payments yet)."""
    rng = random.Random(seed)
    icb_rows, district_names = _icbs_and_districts()
    nhse = Body("X24", "nhs_england", "NHS England", code="X24")
    icbs = [Body(code, "icb", name, code=code) for code, name, _ in icb_rows]
    weight = {code: people for code, _, people in icb_rows}
    mean_weight = sum(weight.values()) / len(weight)
    places: list[Body] = []
    places_of: dict[str, list[Body]] = {}
    for icb in icbs:
        mine = [
            Body(f"{icb.code}-P{i}", "place", f"{district} place", icb=icb.code)
            for i, district in enumerate(district_names[icb.code], start=1)
        ]
        places_of[icb.code] = mine
        places.extend(mine)
    known = {icb.code for icb in icbs}
    providers: list[Body] = []
    trusts_of: dict[str, list[Body]] = defaultdict(list)
    for code, name, icb in _trusts():
        kind = "foundation_trust" if "Foundation" in name else "nhs_trust"
        home = icb if icb in known else icbs[rng.randrange(len(icbs))].code
        trust = Body(code, kind, name, code=code, icb=home)
        providers.append(trust)
        trusts_of[home].append(trust)
    others: list[Body] = []
    for n in range(1, providers_per_icb * len(icbs) + 1):
        voluntary = rng.random() < 0.3
        others.append(
            Body(
                f"P{n:05d}",
                "voluntary_provider" if voluntary else "independent_provider",
                f"{'Community Care Trust' if voluntary else 'Health Services Ltd'} No. {n}",
                ownership="voluntary" if voluntary else "independent",
            )
        )
    providers.extend(others)

    contracts: list[ContractPlan] = []
    sectors, sector_weights = zip(*OTHER_SECTORS, strict=True)
    for icb in icbs:
        scale = weight[icb.code] / mean_weight
        number = 0

        def next_reference(icb=icb) -> str:
            nonlocal number
            number += 1
            return f"{icb.code}-{number:05d}"

        home = (
            trusts_of.get(icb.code)
            or [p for p in providers[: len(providers) - len(others)] if p.icb != icb.code][:2]
        )
        for trust in home:
            for sector in ("acute", "community", "mental_health"):
                if rng.random() < (0.9 if sector == "acute" else 0.5):
                    contracts.append(
                        ContractPlan(
                            next_reference(),
                            icb.code,
                            trust.key,
                            sector,
                            place=rng.choice(places_of[icb.code]).key,
                            mechanism="blended",
                            weight=scale * rng.uniform(0.5, 1.5),
                            mean_pence=rng.randint(2_000_000, 20_000_000),
                        )
                    )
        for _ in range(max(10, round(providers_per_icb * 1.4 * scale))):
            provider = others[rng.randrange(len(others))]
            contracts.append(
                ContractPlan(
                    next_reference(),
                    icb.code,
                    provider.key,
                    rng.choices(sectors, sector_weights)[0],
                    place=rng.choice(places_of[icb.code]).key if rng.random() < 0.8 else "",
                    mechanism="activity",
                    weight=scale * rng.paretovariate(1.5) / 3,
                    mean_pence=rng.randint(20_000, 1_000_000),
                )
            )
    # About one trust contract in six passes some of its money to a subcontractor.
    for prime in [c for c in contracts if c.mechanism == "blended"]:
        if rng.random() < 1 / 6:
            subcontractor = others[rng.randrange(len(others))]
            sub = ContractPlan(
                f"{prime.reference}-S1",
                prime.provider,
                subcontractor.key,
                prime.sector,
                prime=prime.reference,
                mechanism="activity",
                weight=0,
            )
            prime.subcontract = sub.reference
            contracts.append(sub)
    return NationalBooks(seed, nhse, icbs, places, providers, contracts)


def _pence(rng: random.Random, mean: int) -> int:
    return max(100, int(rng.lognormvariate(0, 0.8) * mean * 0.73))


def write_payments(
    books: NationalBooks,
    directory: Path,
    rows: int,
    chunk_rows: int = 500_000,
    *,
    breaks=(),
    progress=None,
) -> list[Path]:
    """Writes `rows` payment rows in date order to files of up to `chunk_rows` rows, also
    starting a new file after each row count in `breaks`; fills books.paid."""
    starts = {*range(0, rows, chunk_rows), *(b for b in breaks if 0 < b < rows)}
    rng = random.Random(books.seed * 1_000_003 + rows)
    directory.mkdir(parents=True, exist_ok=True)
    primes = [c for c in books.contracts if not c.prime]
    weights = [c.weight for c in primes]
    invoices: dict[str, int] = defaultdict(int)
    paid: dict[str, int] = defaultdict(int)
    days = (YEAR_END - YEAR_START).days + 1
    files: list[Path] = []
    handle = None
    written = 0
    batch = 10_000
    while written < rows:
        picks = rng.choices(primes, weights, k=min(batch, rows - written))
        for contract in picks:
            if written >= rows:
                break
            if written in starts:
                if handle:
                    handle.close()
                files.append(directory / f"payments-{len(files) + 1:03d}.csv")
                handle = files[-1].open("w", encoding="utf-8", newline="")
                handle.write(HEADER)
            on = YEAR_START + timedelta(days=written * days // rows)
            pence = _pence(rng, contract.mean_pence)
            element = ""
            if contract.mechanism == "blended":
                element = "fixed" if rng.random() < 0.5 else "variable"
            invoices[contract.reference] += 1
            handle.write(
                f"{contract.reference},INV{invoices[contract.reference]:07d},{on:%Y-%m-%d},"
                f"{pence // 100}.{pence % 100:02d},{element}\n"
            )
            paid[contract.reference] += pence
            written += 1
            # A subcontract is paid straight after its prime, a third of that payment,
            # so the prime provider always holds the money it passes on.
            if contract.subcontract and written < rows and written not in starts:
                sub = contract.subcontract
                invoices[sub] += 1
                sub_pence = max(100, pence // 3)
                handle.write(
                    f"{sub},INV{invoices[sub]:07d},{on:%Y-%m-%d},"
                    f"{sub_pence // 100}.{sub_pence % 100:02d},\n"
                )
                paid[sub] += sub_pence
                written += 1
        if progress:
            progress(written)
    if handle:
        handle.close()
    books.paid = dict(paid)
    books.rows = written
    return files


# -- into the database ---------------------------------------------------------------------
def build_books(books: NationalBooks, *, actor, progress=None) -> dict:
    """Creates the organisations and contracts and funds every commitment, through the
    services: NHS England → each ICB's allocation → place budgets by sector → commitments.
    Needs django.setup() first. Returns counts."""
    from django.db import transaction

    from openics.contracts.models import Contract
    from openics.core.audit import service
    from openics.kernel.money import Money
    from openics.ledger import services as ledger
    from openics.ledger.models import Account, Purpose
    from openics.organisations.models import Organisation, Relationship

    with transaction.atomic():
        orgs = {
            b.key: Organisation(
                kind=b.kind,
                code=b.code,
                name=b.name,
                ownership=b.ownership,
                active_from=date(2022, 7, 1),
            )
            for b in books.bodies()
        }
        Organisation.objects.bulk_create(orgs.values(), batch_size=2000)
        Relationship.objects.bulk_create(
            [
                Relationship(
                    child=orgs[p.key],
                    parent=orgs[p.icb],
                    kind="within",
                    active_from=date(2022, 7, 1),
                )
                for p in books.places
            ]
        )
        made = {
            c.reference: Contract(
                reference=c.reference,
                title=f"{c.sector.replace('_', ' ').capitalize()} services",
                commissioner=orgs[c.commissioner],
                provider=orgs[c.provider],
                sector=c.sector,
                place=orgs[c.place] if c.place else None,
                start=YEAR_START,
                end=YEAR_END,
                annual_value=Money(books.paid.get(c.reference, 0)),
                payment_mechanism=c.mechanism,
            )
            for c in books.contracts
        }
        for c in books.contracts:
            if c.prime:
                made[c.reference].prime = made[c.prime]
        primes = [c for c in books.contracts if not c.prime]
        Contract.objects.bulk_create([made[c.reference] for c in primes], batch_size=2000)
        Contract.objects.bulk_create(
            [made[c.reference] for c in books.contracts if c.prime], batch_size=2000
        )

    def budget_key(c: ContractPlan) -> tuple[str, str, str]:
        return (c.commissioner, c.place, c.sector)

    needed: dict[tuple, int] = defaultdict(int)
    for c in primes:
        needed[budget_key(c)] += books.commitment(c.reference)
    by_icb: dict[str, int] = defaultdict(int)
    for (icb, _, _), pence in needed.items():
        by_icb[icb] += pence

    @service("benchmark.open_budgets")
    def open_budgets(*, audit):
        return {
            key: ledger.account_for(
                orgs[key[0]],
                Purpose.BUDGET,
                place=orgs[key[1]] if key[1] else None,
                sector=key[2],
                audit=audit,
            )
            for key in sorted(needed)
        }

    as_benchmark = {"actor": actor, "reason": "national-scale benchmark books"}
    for icb in books.icbs:
        ledger.receive_allocation(
            icb=orgs[icb.key],
            amount=Money(by_icb[icb.key]),
            on=YEAR_START,
            description=f"{icb.name}: 2025/26 allocation",
            **as_benchmark,
        )
    budgets = open_budgets(**as_benchmark)
    allocation = {a.organisation_id: a for a in Account.objects.filter(purpose=Purpose.ALLOCATION)}
    for n, key in enumerate(sorted(needed), start=1):
        ledger.transfer_budget(
            source=allocation[orgs[key[0]].pk],
            target=budgets[key],
            amount=Money(needed[key]),
            on=YEAR_START,
            description="Place budget",
            **as_benchmark,
        )
        if progress and n % 200 == 0:
            progress("budgets", n, len(needed))
    for n, c in enumerate(primes, start=1):
        ledger.commit(
            contract=made[c.reference],
            source=budgets[budget_key(c)],
            amount=Money(books.commitment(c.reference)),
            on=YEAR_START,
            **as_benchmark,
        )
        if progress and n % 500 == 0:
            progress("commitments", n, len(primes))
    return {
        "icbs": len(books.icbs),
        "places": len(books.places),
        "providers": len(books.providers),
        "contracts": len(books.contracts),
        "subcontracts": sum(1 for c in books.contracts if c.prime),
        "budgets": len(needed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=200_000, help="payment postings to make")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--chunk-rows", type=int, default=500_000)
    parser.add_argument("--out", type=Path, required=True, help="folder for the CSV files")
    args = parser.parse_args()
    start = time.perf_counter()
    books = plan(args.seed)
    files = write_payments(books, args.out, args.postings // 2, args.chunk_rows)
    print(
        f"{len(books.icbs)} ICBs, {len(books.places)} places, {len(books.providers)} providers, "
        f"{len(books.contracts)} contracts ({sum(1 for c in books.contracts if c.prime)} "
        f"subcontracts); {books.rows:,} payments ({2 * books.rows:,} postings) in "
        f"{len(files)} files under {args.out}, £{sum(books.paid.values()) / 100:,.2f} in all; "
        f"{time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    main()
