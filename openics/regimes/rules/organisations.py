"""Which kinds of body exist under a regime, which may commission (arrange) services, and
whether a foundation trust keeps to its principal purpose."""

from collections.abc import Iterator

from openics.kernel.money import Money
from openics.regimes.model import Note, RuleContext
from openics.regimes.vocabulary import BodyKind


def _label(kind: str) -> str:
    try:
        return BodyKind(kind).label
    except ValueError:
        return kind


def _a(kind: str) -> str:
    label = _label(kind)
    return f"{'an' if label[0].lower() in 'aeiou' else 'a'} {label}"


def body_kind_exists(ctx: RuleContext, *, kind: str) -> Iterator[str]:
    """A body of this kind can exist under the regime on the day."""
    if kind not in {k.value for k in BodyKind}:
        yield f"'{kind}' is not a kind of body OpenICS knows"
        return
    if kind in ctx.param("organisations.body_kinds"):
        return
    why = ctx.param("organisations.absent_kinds").get(kind)
    reason = f": {why}" if why else ""
    yield f"there is no such body as {_a(kind)} under {ctx.regime.title} on {ctx.on}{reason}"


def may_commission(ctx: RuleContext, *, kind: str) -> Iterator[str]:
    """A body of this kind may commission (arrange and pay for) NHS or care services."""
    yield from body_kind_exists(ctx, kind=kind)
    commissioners = ctx.param("organisations.commissioners")
    if kind in ctx.param("organisations.body_kinds") and kind not in commissioners:
        named = ", ".join(_label(k) for k in commissioners) or "none"
        yield (
            f"{_a(kind)} does not commission services under {ctx.regime.title}; "
            f"the commissioners are: {named}"
        )


def ft_principal_purpose(
    ctx: RuleContext, *, trust: str, health_service_england_income: Money, other_income: Money
) -> Iterator[str]:
    """A foundation trust earns more in the year from the health service in England than
    from everything else together (exactly half is not enough)."""
    spec = ctx.param("organisations.ft_principal_purpose")
    if not spec:
        return
    total = health_service_england_income.pence + other_income.pence
    if total:
        tenths = (health_service_england_income.pence * 1000 + total // 2) // total
        yield Note(
            f"{trust}: {tenths // 10}.{tenths % 10}% of its income is from the health service "
            "in England"
        )
    if health_service_england_income.pence <= other_income.pence:
        yield (
            f"{trust} received {health_service_england_income} from the health service in "
            f"England and {other_income} from elsewhere: its principal purpose requires the "
            f"first to be greater ({spec['basis']})"
        )


def required_bodies(ctx: RuleContext, *, present: tuple[str, ...]) -> Iterator[str]:
    """Every body (or board) the regime requires the system to have is there.

    `present` names the kinds of body and of board the system has on the day."""
    for need in ctx.param("organisations.required_bodies") or []:
        if need["kind"] not in present:
            yield f"the system has no {need['title']} ({need['basis']})"


def collaborative_membership(
    ctx: RuleContext, *, collaborative: str, member: str, ownership: str
) -> Iterator[str]:
    """A member of a provider collaborative is of a kind the regime lets join one."""
    spec = ctx.param("organisations.collaborative_members")
    if not spec or ownership not in spec["barred_owners"]:
        return
    yield f"{member} may not be a member of {collaborative}: {spec['title']} ({spec['basis']})"
