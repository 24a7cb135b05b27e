"""The demonstration data: what `openics demo` loads, step by step, idempotently.

Everything is real public data shipped in data/ (see data/SOURCES.md). The
demonstration ICS is NHS Black Country ICB (QUA), which holds Dudley.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from openics.allocation.services import import_published_allocations
from openics.core.audit import DEMONSTRATION_PROCESS, Actor
from openics.core.models import ImportRun
from openics.core.roles import Role
from openics.core.services import assign_role, create_user, set_password
from openics.organisations.ods_import import import_ods_file
from openics.population.importers import (
    import_deprivation_summary,
    import_lsoa_lookup,
    import_practice_file,
    import_resident_estimates,
)

DEMO_ACTOR = Actor.process(DEMONSTRATION_PROCESS)
DEMO_ICB = "QUA"
DATA = Path(settings.PROJECT_DIR) / "data"
REASON = "demonstration data"

DEMO_PEOPLE = [
    ("demo-officer", Role.OFFICER, DEMO_ICB),
    ("demo-finance", Role.FINANCE, DEMO_ICB),
    # A board member's account is named by their key on the register, so the workspace
    # knows whose interests they declare: Dr Ada Example, the primary care partner member.
    ("ada-example", Role.BOARD_MEMBER, DEMO_ICB),
    ("demo-board-secretary", Role.BOARD_SECRETARY, DEMO_ICB),
    ("demo-auditor", Role.AUDITOR, ""),
    ("demo-nhs-england", Role.NHS_ENGLAND, ""),
    ("demo-administrator", Role.ADMINISTRATOR, ""),
]


def demo_password(username: str) -> str:
    """The demonstration account's password: derived from the secret key, so every run gives
    the same one and can print it. Demonstration only (with the public default key anyone
    can work it out); a deployment creates accounts with `openics users create`."""
    import hashlib
    import hmac

    digest = hmac.new(settings.SECRET_KEY.encode(), f"demo:{username}".encode(), hashlib.sha256)
    text = digest.hexdigest()
    return f"{text[:5]}-{text[5:10]}-{text[10:15]}"


def load_demo_people() -> None:
    User = get_user_model()
    reason = "demonstration data: one person for each role"
    with transaction.atomic():
        for username, role, scope in DEMO_PEOPLE:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = create_user(username=username, actor=DEMO_ACTOR, reason=reason)
                assign_role(
                    user=user, role=role, organisation_code=scope, actor=DEMO_ACTOR, reason=reason
                )
            password = demo_password(username)
            if not user.check_password(password):  # a second run changes nothing
                set_password(
                    user=user,
                    password=password,
                    actor=DEMO_ACTOR,
                    reason="demonstration data: the demonstration account's password",
                )


def _import_once(kind: str, relative: str, importer, **kwargs) -> None:
    import hashlib

    path = DATA / relative
    data = path.read_bytes()
    if ImportRun.objects.filter(sha256=hashlib.sha256(data).hexdigest()).exists():
        return  # already loaded: the demo is idempotent
    importer(data, source_name=path.name, actor=DEMO_ACTOR, reason=f"{REASON}: {kind}", **kwargs)


def _file_step(kind: str, relative: str, importer):
    """A demo step that imports one published file from data/ through its importer, once."""

    def load() -> None:
        _import_once(kind, relative, importer)

    load.__doc__ = f"Imports {kind} from data/{relative}."
    return load


load_practices = _file_step(
    "practices", "nhse-place-based-tool/2025_2026.csv", import_practice_file
)


load_trusts = _file_step("NHS trusts", "ods-etr/etr.csv", import_ods_file)


load_pcns = _file_step("primary care networks", "ods-epcn/ePCN.xlsx", import_ods_file)


SUCCESSION_FILES = [
    "ods-2026/icb_2026_successions.csv",
    "ods-2026/icb_2026_list.csv",
    "ods-2026/icb_2026_split_areas.csv",
    "ods-2026/frimley_D4U1Y_split_to_2026_subicbs.csv",
]


def load_successions() -> None:
    """The April 2026 mergers: 42 ICBs in 2025/26, 36 from 1 April 2026 (QUA unchanged)."""
    from openics.organisations.successions import import_successions

    files = [(DATA / f).read_bytes() for f in SUCCESSION_FILES]
    import hashlib

    if ImportRun.objects.filter(sha256=hashlib.sha256(files[0]).hexdigest()).exists():
        return
    import_successions(
        [(Path(f).name, data) for f, data in zip(SUCCESSION_FILES, files, strict=True)],
        actor=DEMO_ACTOR,
        reason=f"{REASON}: the ICB successions of 1 April 2026",
    )


load_geography = _file_step(
    "geography", "ons-geography/lookup_lsoa11_sicbl22_icb22_ltla22.csv", import_lsoa_lookup
)


load_deprivation = _file_step(
    "deprivation", "imd-2025/imd2025_england_ltla24.csv", import_deprivation_summary
)


load_residents = _file_step(
    "resident population",
    "ons-population-mye/mye24tablesew_MYE2_persons.csv",
    import_resident_estimates,
)


def load_places() -> None:
    from openics.organisations import selectors
    from openics.organisations.models import Organisation
    from openics.population.places import create_default_places
    from openics.regimes.vocabulary import BodyKind

    icb = Organisation.objects.get(kind=BodyKind.ICB.value, code=DEMO_ICB)
    if selectors.current_children(icb, BodyKind.PLACE).exists():
        return
    create_default_places(
        icb=icb,
        on=date(2025, 4, 1),
        actor=DEMO_ACTOR,
        reason=f"{REASON}: one place per local authority of the Black Country",
    )


COLLABORATIVE = "Black Country Provider Collaborative"
# Its acute members; Sandwell and West Birmingham is registered under the Birmingham and
# Solihull ICB in ODS, so the collaborative spans two systems.
COLLABORATIVE_MEMBERS = ["RNA", "RXK", "RBK", "RL4"]


def load_collaborative() -> None:
    from openics.organisations.lifecycle import establish, join
    from openics.organisations.models import Organisation, OwnershipClass

    if Organisation.objects.filter(kind="provider_collaborative", name=COLLABORATIVE).exists():
        return
    reason = f"{REASON}: the Black Country's acute provider collaborative"
    collaborative = establish(
        kind="provider_collaborative",
        name=COLLABORATIVE,
        ownership=OwnershipClass.NHS,
        legal_form="Provider collaborative (not a statutory body)",
        active_from=date(2022, 7, 1),
        actor=DEMO_ACTOR,
        reason=reason,
    )
    for code in COLLABORATIVE_MEMBERS:
        trust = Organisation.objects.filter(code=code, kind__in=["nhs_trust", "foundation_trust"])
        if trust.exists():
            join(
                child=trust.get(),
                parent=collaborative,
                kind="member",
                on=date(2022, 7, 1),
                actor=DEMO_ACTOR,
                reason=reason,
            )


load_allocations = _file_step(
    "published allocations",
    "nhse-icb-allocations/nhs_allocations_2023_2025.xlsx",
    import_published_allocations,
)


def run_place_shares() -> None:
    from openics.allocation.models import AllocationLine, PlaceAllocationRun, PublishedAllocation
    from openics.allocation.services import approve_run, run_place_allocation
    from openics.kernel.money import Money
    from openics.organisations.models import Organisation

    icb = Organisation.objects.get(kind="icb", code=DEMO_ICB)
    if PlaceAllocationRun.objects.filter(icb=icb).exists():
        return
    published = PublishedAllocation.objects.get(
        icb=icb, financial_year="2024/25", line=AllocationLine.CORE
    )
    budget = Money.from_pounds(published.recurrent_k * 1000)
    reason = f"{REASON}: share the Black Country's core budget between its places"
    run = run_place_allocation(
        icb=icb,
        financial_year="2025/26",
        budget=budget,
        line=AllocationLine.CORE,
        component="core",
        budget_source="NHS England's published 2024/25 recurrent core allocation for QUA, "
        "shared by the 2025/26 weighted populations (the latest loaded)",
        actor=DEMO_ACTOR,
        reason=reason,
    )
    approve_run(run=run, actor=DEMO_ACTOR, reason=reason)


def load_books() -> None:
    from openics.demo.books import load_books as load

    load(DEMO_ACTOR, f"{REASON}: the Black Country's books for 2025/26", DATA)


def load_decisions() -> None:
    from openics.demo.arranging import load

    load(DEMO_ACTOR, f"{REASON}: a year of provider selection decisions (synthetic)")


NOTICES_FILE = "contracts-finder-ocds/contracts_finder_ocds_releases_NHS_subset.json"


def load_published_notices() -> None:
    """Real notices NHS bodies published on Contracts Finder, beside the made-up decisions."""
    from openics.arranging.published import import_notices

    _import_once("published notices (Contracts Finder, real)", NOTICES_FILE, import_notices)


def load_boards() -> None:
    from openics.demo.boards import load

    load(DEMO_ACTOR, f"{REASON}: boards, members and meetings (fictional people)")


WORKFORCE_FILE = (
    "nhsd-workforce/"
    "hchs-staff-by-staff-group-nationality-and-organisation-september-2017-and-june-2018_ah2324.xlsx"
)


def load_workforce() -> None:
    from openics.organisations.workforce import import_workforce

    _import_once("staff by organisation and staff group", WORKFORCE_FILE, import_workforce)


def load_transfers() -> None:
    from openics.demo.people import load

    load(DEMO_ACTOR, f"{REASON}: illustrative staff transfers (no public data exists)")


def load_capital() -> None:
    from openics.demo.capital import load_plan

    load_plan(DEMO_ACTOR, f"{REASON}: the Black Country's capital limits and plan (illustrative)")


def load_plans() -> None:
    from openics.demo.plans import load

    load(DEMO_ACTOR, f"{REASON}: the Black Country's strategy and plans (illustrative)")


DEMO_STEPS = [
    ("Loading demonstration people and roles", load_demo_people),
    ("Importing 6,348 practices of 42 ICBs (NHS England, 2025/26)", load_practices),
    ("Importing NHS trusts (ODS)", load_trusts),
    ("Importing primary care networks (ODS)", load_pcns),
    ("Importing ONS geography of ICBs and local authorities", load_geography),
    ("Importing Indices of Deprivation 2025", load_deprivation),
    ("Importing ONS resident population estimates (mid-2024)", load_residents),
    ("Applying the ICB successions of 1 April 2026 (42 ICBs become 36)", load_successions),
    ("Creating the places of NHS Black Country ICB", load_places),
    ("Establishing the Black Country Provider Collaborative", load_collaborative),
    ("Importing NHS England's published ICB allocations", load_allocations),
    ("Sharing the Black Country's budget between its places", run_place_shares),
    ("Writing the Black Country's books for 2025/26", load_books),
    (
        "Arranging a year of services under the provider selection regime (synthetic)",
        load_decisions,
    ),
    (
        "Importing 14 real notices NHS bodies published on Contracts Finder (2025)",
        load_published_notices,
    ),
    ("Boards, interests and a year of meetings (fictional people)", load_boards),
    (
        "Importing staff by organisation and staff group (NHS Digital, 2017 and 2018)",
        load_workforce,
    ),
    ("Recording staff transfers between bodies (illustrative)", load_transfers),
    ("The Black Country's capital limits and plan (illustrative)", load_capital),
    ("The Black Country's strategy, plans and their aims (illustrative)", load_plans),
]
