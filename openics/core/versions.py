"""The data version: a number that moves whenever a write service commits.

Pages, downloads and API answers that depend only on the data are computed once per
version and kept (config.cache). The number is one row, updated inside each write's
transaction; its row lock orders concurrent writers, so a reader never sees a version
whose changes are not all committed.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

_ROW = 1
_READ = "SELECT number FROM core_dataversion WHERE id = %s"  # core.DataVersion's table


def current_version() -> int:
    """The number of committed changes so far (0 on an empty database). Asked on every
    public request, so it is one plain statement rather than a query built by the ORM."""
    with connection.cursor() as cursor:
        cursor.execute(_READ, [_ROW])
        row = cursor.fetchone()
    return row[0] if row else 0


def bump_version() -> None:
    """Adds one to the data version, inside the caller's transaction."""
    from openics.core.models import DataVersion

    now = timezone.now()
    if DataVersion.objects.filter(pk=_ROW).update(number=F("number") + 1, changed_at=now):
        return
    try:  # the row is missing (a flushed test database): make it
        with transaction.atomic():
            DataVersion.objects.create(pk=_ROW, number=1, changed_at=now)
    except IntegrityError:  # another writer made it first
        DataVersion.objects.filter(pk=_ROW).update(number=F("number") + 1, changed_at=now)
