"""The read API's one rule for pages of results: a limit and an offset a database can hold."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# The most results one page may ask for, and the furthest offset: both far below 2^63, the
# largest integer SQLite and PostgreSQL accept for LIMIT and OFFSET.
MAX_LIMIT = 1_000
MAX_OFFSET = 1_000_000_000


class BoundedLimitOffset(LimitOffsetPagination):
    """ninja's limit/offset pages, with both bounded: a value outside them is a 422 that names
    the parameter and its bound, not a database error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
