"""Governance: who must sit on a board, who may, when a meeting can decide, who must step out
of a decision, what must be declared and when, and which powers from above exist.
Pure functions over plain data.

The regime's YAML holds the minimum composition of each kind of board, the quorum a
model constitution sets, the categories of interest that bar a member from an item, the
gifts and hospitality thresholds and the powers of the Secretary of State and NHS England,
each dated. This module only knows what those parameters mean.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import ClassVar

from openics.kernel.money import Money
from openics.regimes.model import Note, RuleContext
from openics.regimes.rules.organisations import body_kind_exists
from openics.regimes.vocabulary import BOARD_HOST_KIND, BOARD_ROLE_LABELS, INTEREST_LABELS


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the last day of the month where that day does not exist)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_beginning_with(day: date, months: int) -> date:
    """The last day of a period of `months` months beginning with `day` (the day counts).

    The period ends the day before the corresponding day `months` later; where that month
    has no corresponding day (31 August to February), it ends on that month's last day.
    So six months beginning with 31 January 2024 end on 30 July 2024.
    """
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day > last:
        return date(year, month, last)
    return date(year, month, day.day) - timedelta(days=1)


def money(pence: int) -> str:
    return Money(pence).format_brief()


@dataclass(frozen=True)
class Link:
    """Something that ties a person to an organisation: a declared interest or a post held."""

    organisation: str  # the organisation's id
    organisation_name: str
    category: str  # an interest category, or "post" for a position held there
    nature: str
    starts: date | None = None
    ends: date | None = None
    independent_healthcare: bool = False  # the organisation is a private healthcare provider

    meanings: ClassVar[dict[str, str]] = {
        "organisation": "the organisation's id",
        "organisation_name": "the organisation's name",
        "category": (
            "financial, non_financial_professional, non_financial_personal, indirect, or post "
            "(a position held there)"
        ),
        "nature": "what the interest or post is",
        "starts": "the day it began",
        "ends": "the day it ended",
        "independent_healthcare": "the organisation is a private healthcare provider",
    }

    def active_on(self, day: date) -> bool:
        return (self.starts is None or self.starts <= day) and (
            self.ends is None or day <= self.ends
        )

    def describe(self) -> str:
        if self.category == "post":
            return f"{self.nature} of {self.organisation_name}"
        label = INTEREST_LABELS.get(self.category, self.category)
        return f"declared {label} interest in {self.organisation_name} ({self.nature})"


@dataclass(frozen=True)
class Member:
    """A member of a board on one day, as the rules see them."""

    key: str
    name: str
    role: str
    voting: bool = True
    deputy_chair: bool = False
    appointed_by: str = ""  # the kind of body that appointed them
    starts: date | None = None
    fppt: tuple[date, ...] = ()  # the days fit and proper person assessments were completed
    links: tuple[Link, ...] = ()
    # Knowledge and experience of services for the prevention, diagnosis and treatment of
    # mental illness (Sch 1B para 8(6)).
    mental_health_expertise: bool = False

    meanings: ClassVar[dict[str, str]] = {
        "key": "the member's id",
        "name": "the member's name",
        "role": (
            "chair, chief_executive, finance_director, medical_director, nursing_director, "
            "non_executive, partner_trusts, partner_primary_medical, partner_local_authority, "
            "lay_member, registered_nurse, secondary_care_doctor or other"
        ),
        "voting": "the member votes",
        "deputy_chair": "the member is the deputy chair",
        "appointed_by": "the kind of body that appointed them",
        "starts": "the day their term began",
        "fppt": "the days fit and proper person assessments were completed",
        "links": "their declared interests and posts",
        "mental_health_expertise": (
            "has knowledge and experience of services for the prevention, diagnosis and "
            "treatment of mental illness"
        ),
    }

    @property
    def described(self) -> str:
        return f"{self.name} ({BOARD_ROLE_LABELS.get(self.role, self.role)})"


@dataclass(frozen=True)
class Board:
    kind: str
    name: str
    members: tuple[Member, ...]
    quorum: dict | None = None  # the board's own quorum; None means the regime's model
    # The membership the board's own constitution requires (each like the regime's:
    # {title, roles, at_least, source}); None where not given.
    requirements: tuple[dict, ...] | None = None

    meanings: ClassVar[dict[str, str]] = {
        "kind": (
            "icb_board, icb_committee, icp, place_committee, joint_committee or ccg_governing_body"
        ),
        "name": "the board's name",
        "members": "its members on the day",
        "quorum": "its own quorum ({more_than, requires}); null for the regime's model",
        "requirements": (
            "the membership its own constitution requires, each {title, roles, at_least, "
            "source}; null if not given"
        ),
    }


@dataclass(frozen=True)
class Affected:
    """An organisation an agenda item affects, and why it counts."""

    organisation: str
    name: str
    why: str  # "the provider", "the parent of …", "a subcontractor to …", "a collaborative …"

    meanings: ClassVar[dict[str, str]] = {
        "organisation": "the organisation's id",
        "name": "its name",
        "why": "why it is affected (the provider, the parent of the provider, ...)",
    }


@dataclass(frozen=True)
class Gift:
    kind: str  # "gift" or "hospitality"
    value_pence: int
    received_on: date
    from_supplier: bool = False
    cash_or_voucher: bool = False
    accepted: bool = True
    declared: bool = False
    senior_approval: bool = False
    from_patient: bool = False
    same_source_12_months_pence: int = 0  # other gifts from the same source in the last year
    # A gift over the personal limit may be accepted only on behalf of the organisation.
    accepted_personally: bool = False

    meanings: ClassVar[dict[str, str]] = {
        "kind": "gift or hospitality",
        "value_pence": "its value in pence",
        "received_on": "the day it was offered or received",
        "from_supplier": "it is from a supplier or contractor",
        "cash_or_voucher": "it is cash or a voucher",
        "accepted": "it was accepted",
        "declared": "it was declared",
        "senior_approval": "a senior officer approved it in advance",
        "from_patient": "it is from a patient or their family",
        "same_source_12_months_pence": "other gifts from the same source in the last 12 months",
        "accepted_personally": "it was kept personally rather than on behalf of the organisation",
    }


@dataclass(frozen=True)
class Accepted:
    """A gift or hospitality a member accepted from an organisation."""

    organisation: str  # the giver's id
    organisation_name: str
    kind: str  # "gift" or "hospitality"
    value_pence: int
    received_on: date
    description: str = ""

    meanings: ClassVar[dict[str, str]] = {
        "organisation": "the giver's id",
        "organisation_name": "the giver's name",
        "kind": "gift or hospitality",
        "value_pence": "its value in pence",
        "received_on": "the day it was received",
        "description": "what it was",
    }


@dataclass(frozen=True)
class Declarant:
    """A person who must keep their declarations up to date."""

    name: str
    appointed_on: date
    returns: tuple[date, ...] = ()  # days a full declaration (or a nil return) was made
    interests: tuple[tuple[date, date | None], ...] = ()  # (arose on, declared on)

    meanings: ClassVar[dict[str, str]] = {
        "name": "the person's name",
        "appointed_on": "the day they were appointed",
        "returns": "days a full declaration or nil return was made",
        "interests": "each interest as [the day it arose, the day it was declared or null]",
    }


@dataclass(frozen=True)
class Due:
    what: str
    due_by: date
    overdue: bool


@dataclass(frozen=True)
class Power:
    kind: str
    made_on: date

    meanings: ClassVar[dict[str, str]] = {
        "kind": "sos_direction, nhse_direction, la_referral, reconfiguration_call_in, ...",
        "made_on": "the day the power was used (a referral: the day it was made)",
    }


# -- constitutions ---------------------------------------------------------------------------
def constitution_applies(ctx: RuleContext, board_kind: str) -> str | None:
    """Why a board of this kind cannot exist under the regime on the day, or None if it can."""
    host = BOARD_HOST_KIND.get(board_kind)
    if host is None:
        return f"'{board_kind}' is not a kind of board OpenICS knows"
    reasons = list(body_kind_exists(ctx, kind=host))
    return reasons[0] if reasons else None


def _requirements(ctx: RuleContext, board_kind: str) -> dict | None:
    return (ctx.param("governance.composition") or {}).get(board_kind)


def _source(item: dict) -> str:
    mark = item.get("confidence", "C")
    return f"{item['source']}{'' if mark == 'C' else f' [{mark}]'}"


def composition(ctx: RuleContext, *, board: Board) -> Iterator[str]:
    """The board has at least the members its kind must have under the regime."""
    if constitution_applies(ctx, board.kind):
        return  # no such board: nothing to fall short of (the caller says why)
    spec = _requirements(ctx, board.kind)
    if not spec:
        return
    needs = list(spec["requirements"])
    if spec.get("own_constitution"):
        if board.requirements is None:
            yield Note(
                f"{board.name}: beyond the statutory minimum, the board's own constitution is "
                f"the test ({spec['own_constitution_basis']}); it was not given, so only the "
                f"statutory minimum is checked. Superseded: {spec['superseded_model']}"
            )
        else:
            needs += list(board.requirements)
    for need in needs:
        holders = [
            m
            for m in board.members
            if m.role in need.get("roles", [m.role])
            and m.appointed_by in need.get("appointed_by", [m.appointed_by])
        ]
        if len(holders) < int(need["at_least"]):
            names = ", ".join(m.name for m in holders) or "none"
            source = _source(need) if "source" in need else "the board's constitution"
            yield f"{board.name} needs {need['title']} but has {len(holders)} ({names}) ({source})"


def fit_and_proper(ctx: RuleContext, *, board: Board) -> Iterator[str]:
    """Each board member covered by the framework has a current fit and proper person test."""
    spec = ctx.param("governance.fit_and_proper")
    if not spec or board.kind not in spec["board_kinds"]:
        return
    framework_from = date.fromisoformat(str(spec["from"]))
    everyone_by = date.fromisoformat(str(spec["existing_members_by"]))
    months = int(spec["annual_months"])
    for member in board.members:
        done = sorted(d for d in member.fppt if d <= ctx.on)
        new = member.starts is not None and framework_from <= member.starts <= ctx.on
        if new and not any(d <= member.starts for d in done):
            yield (
                f"{member.described} was appointed on {member.starts} without a fit and proper "
                f"person assessment first ({spec['basis']})"
            )
            continue
        if not done:
            if ctx.on > everyone_by or new:
                basis = spec["basis"]
                yield f"{member.described} has no fit and proper person assessment ({basis})"
            continue
        expires = add_months(done[-1], months)
        if expires < ctx.on:
            yield (
                f"{member.described}'s annual fit and proper person assessment was due by "
                f"{expires} (last completed {done[-1]}; {spec['basis']})"
            )


def eligibility(
    ctx: RuleContext, *, candidate: Member, board_kind: str, disqualifications: tuple[str, ...]
) -> Iterator[str]:
    """A candidate may be appointed: no disqualification, and independence not undermined."""
    known = ctx.param("governance.disqualifications") or {}
    for key in disqualifications:
        if key not in known:
            yield f"'{key}' is not a ground of disqualification under {ctx.regime.title}"
        else:
            yield f"{candidate.name} is disqualified: {known[key]}"
    bar = ctx.param("governance.independence")
    if not bar or board_kind not in bar["board_kinds"]:
        return
    basis = (bar.get("basis_by_kind") or {}).get(board_kind, bar["basis"])
    for link in candidate.links:
        if (
            link.independent_healthcare
            and link.category in bar["categories"]
            and link.active_on(ctx.on)
        ):
            yield (
                f"{candidate.name} cannot be appointed: their {link.describe()} is involvement "
                f"with the private healthcare sector that could reasonably be regarded as "
                f"undermining the independence of the health service ({basis})"
            )


# -- meetings -------------------------------------------------------------------------------
def conflicts(ctx: RuleContext, *, member: Member, affected: tuple[Affected, ...]) -> Iterator[str]:
    """Why a member must take no part in an item: each link to an organisation it affects."""
    spec = ctx.param("governance.conflicts")
    by_org = {a.organisation: a for a in affected}
    for link in member.links:
        hit = by_org.get(link.organisation)
        if hit is None or not link.active_on(ctx.on):
            continue
        if link.category == "post" or link.category in spec["recuse_categories"]:
            yield f"{member.name}: {link.describe()}, which is {hit.why}"


def quorum_spec(ctx: RuleContext, board: Board) -> dict:
    return board.quorum or ctx.param("governance.model_quorum")


def quorum(
    ctx: RuleContext, *, board: Board, present: tuple[str, ...], recused: tuple[str, ...]
) -> Iterator[str]:
    """Enough voting members are present and free of conflicts for the meeting to decide."""
    spec = quorum_spec(ctx, board)
    voting = [m for m in board.members if m.voting]
    counted = [m for m in voting if m.key in present and m.key not in recused]
    share = Fraction(str(spec["more_than"]))
    needed = int(share * len(voting)) + 1
    out = [m for m in voting if m.key in recused and m.key in present]
    names = ", ".join(m.name for m in out)
    why = f" once {names} {'steps' if len(out) == 1 else 'step'} out" if out else ""
    source = _source(spec) if "source" in spec else "the board's constitution"
    if len(counted) < needed:
        yield (
            f"only {len(counted)} of {len(voting)} voting members can take part{why}; "
            f"the quorum is more than {spec['more_than']} of them, so {needed} ({source})"
        )
    for need in spec.get("requires", []):

        def meets(m: Member, need=need) -> bool:
            return m.role in need["roles"] or bool(need.get("deputy") and m.deputy_chair)

        if not any(meets(m) for m in counted):
            stepped_out = why if any(meets(m) for m in out) else ""
            yield f"the quorum needs {need['title']} taking part{stepped_out} ({source})"


def vote_outcome(votes: dict[str, str]) -> str:
    """Carried on a simple majority of those voting for or against."""
    tally = {choice: list(votes.values()).count(choice) for choice in ("for", "against")}
    return "carried" if tally["for"] > tally["against"] else "not carried"


# -- the register of interests -----------------------------------------------------------------
def gift_breaches(ctx: RuleContext, *, gift: Gift) -> Iterator[str]:
    """What the gifts and hospitality rules on the day say about one offer."""
    spec = ctx.param("governance.gifts")
    basis = _source(spec)
    if gift.kind == "gift":
        if gift.cash_or_voucher and gift.accepted:
            yield f"cash and vouchers are never accepted ({basis})"
            return
        if gift.from_supplier and spec.get("supplier_promotional_max_pence") is not None:
            limit = int(spec["supplier_promotional_max_pence"])
            if gift.accepted and gift.value_pence > limit:
                yield (
                    f"a gift from a supplier or contractor worth {money(gift.value_pence)} is "
                    f"over the {money(limit)} allowed for promotional items: decline it ({basis})"
                )
            return
        personal = spec.get("gift_personal_max_pence")
        if (
            personal is not None
            and gift.accepted
            and gift.accepted_personally
            and gift.value_pence > int(personal)
        ):
            yield (
                f"a gift worth {money(gift.value_pence)} is over {money(int(personal))}: it "
                f"may be accepted only on behalf of the organisation, not personally ({basis})"
            )
        limit = int(spec["gift_declare_over_pence"])
        total = gift.value_pence + gift.same_source_12_months_pence
        must_declare = total > limit or (gift.from_patient and spec.get("patient_gifts_declared"))
        if gift.accepted and must_declare and not gift.declared and total <= limit:
            yield f"a gift from a patient or their family must be declared ({basis})"
        elif gift.accepted and must_declare and not gift.declared:
            yield (
                f"a gift worth {money(gift.value_pence)} ({money(total)} from this source in 12 "
                f"months) is over {money(limit)} and must be declared ({basis})"
            )
        return
    declare_from = int(spec["hospitality_declare_from_pence"])
    refuse = int(spec["hospitality_refuse_over_pence"])
    if gift.accepted and gift.value_pence > refuse and not gift.senior_approval:
        yield (
            f"hospitality worth {money(gift.value_pence)} is over {money(refuse)}: refuse it "
            f"unless a senior officer approves in advance ({basis})"
        )
    if gift.accepted and gift.value_pence >= declare_from and not gift.declared:
        yield f"hospitality worth {money(declare_from)} or more must be declared ({basis})"


def gifts_before_vote(
    ctx: RuleContext,
    *,
    member: Member,
    accepted: tuple[Accepted, ...],
    affected: tuple[Affected, ...],
    took_part: bool,
) -> Iterator[str]:
    """A member who accepted a gift or hospitality from an organisation an item affects,
    within the period before the meeting, takes no part in it: having taken part is
    flagged, whatever they voted. ctx.on is the day of the meeting."""
    spec = ctx.param("governance.gift-before-vote")
    period = int(spec["days"])
    basis = _source(spec)
    by_org = {a.organisation: a for a in affected}
    for gift in accepted:
        hit = by_org.get(gift.organisation)
        if hit is None or not took_part:
            continue
        before = (ctx.on - gift.received_on).days
        if 0 <= before <= period:
            what = f" ({gift.description})" if gift.description else ""
            yield (
                f"{member.name} accepted {gift.kind}{what} worth {money(gift.value_pence)} "
                f"from {gift.organisation_name} on {gift.received_on:%-d %B %Y}, {before} days "
                f"before taking part in an item where it is {hit.why}; a gift or hospitality "
                f"from an affected organisation within {period} days is a conflict of "
                f"interest, and the member should have stepped out ({basis})"
            )


def declarations_due(ctx: RuleContext, declarant: Declarant) -> list[Due]:
    """Which declarations a person owes: on appointment, for each new interest, and each year."""
    spec = ctx.param("governance.declarations")
    days = int(spec["new_interest_days"])
    months = int(spec["annual_months"])
    due: list[Due] = []
    returns = sorted(d for d in declarant.returns if d <= ctx.on)
    first = declarant.appointed_on + timedelta(days=days)
    if not any(d >= declarant.appointed_on - timedelta(days=days) for d in returns):
        due.append(Due("declaration on appointment", first, ctx.on > first))
    elif returns:
        annual = add_months(returns[-1], months)
        due.append(Due("annual declaration (or nil return)", annual, ctx.on > annual))
    for arose, declared in declarant.interests:
        by = arose + timedelta(days=days)
        if arose <= ctx.on and (declared is None or declared > ctx.on):
            due.append(Due(f"declaration of an interest that arose on {arose}", by, ctx.on > by))
    return due


def declarations(ctx: RuleContext, *, declarant: Declarant) -> Iterator[str]:
    """A person's declarations are not overdue."""
    spec = ctx.param("governance.declarations")
    for item in declarations_due(ctx, declarant):
        if item.overdue:
            yield f"{declarant.name}: {item.what} was due by {item.due_by} ({_source(spec)})"


# -- powers from above ------------------------------------------------------------------------
def powers_available(ctx: RuleContext) -> dict:
    return ctx.param("governance.powers") or {}


def power_window_ends(ctx: RuleContext, power: Power) -> date | None:
    spec = powers_available(ctx.at(power.made_on)).get(power.kind)
    if not spec or not spec.get("window_months"):
        return None
    if spec.get("window_counts") == "beginning_with":
        return months_beginning_with(power.made_on, int(spec["window_months"]))
    return add_months(power.made_on, int(spec["window_months"]))


def power_exists(ctx: RuleContext, *, power: Power) -> Iterator[str]:
    """The power used exists under the regime on the day it was used."""
    ctx = ctx.at(power.made_on)  # the powers of the day it was used
    available = powers_available(ctx)
    if power.kind in available:
        ends = power_window_ends(ctx, power)
        if ends is not None:
            spec = available[power.kind]
            counted = "beginning with" if spec.get("window_counts") == "beginning_with" else "from"
            yield Note(
                f"{spec['title']} made on {power.made_on}: the window of "
                f"{spec['window_months']} months {counted} that day ends on {ends} "
                f"({spec['basis']})"
            )
        return
    absent = (ctx.param("governance.absent_powers") or {}).get(power.kind)
    named = ", ".join(spec["title"] for spec in available.values()) or "none"
    why = f": {absent}" if absent else ""
    yield (
        f"there is no power of this kind ('{power.kind}') under {ctx.regime.title} on "
        f"{power.made_on}{why}. The powers then were: {named}"
    )
