"""The books' hash chain, registered for checkpoints and `openics verify`."""

from openics.core.chains import Chain, register
from openics.ledger import chain

register(
    Chain(
        name=chain.NAME,
        title=chain.TITLE,
        head=chain.head,
        recompute=chain.recompute,
        witnesses=chain.witnesses,
        between=chain.between,
        stored_at=chain.stored_at,
    )
)
