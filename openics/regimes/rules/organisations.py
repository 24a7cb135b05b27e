"""Which kinds of body exist under a regime, and which may commission (arrange) services."""

from collections.abc import Iterator

from openics.regimes.model import RuleContext
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
        named = ", ".join(_label(k) for k in commissioners)
        yield (
            f"{_a(kind)} does not commission services under {ctx.regime.title}; "
            f"the commissioners are: {named}"
        )
