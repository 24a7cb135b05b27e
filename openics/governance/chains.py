"""The record of decisions' hash chain, registered for checkpoints and `openics verify`."""

from openics.core.chains import Chain, register
from openics.governance import record

register(
    Chain(
        name=record.NAME,
        title=record.TITLE,
        head=record.head,
        recompute=record.recompute,
        witnesses=record.witnesses,
        between=record.between,
        stored_at=record.stored_at,
    )
)
