"""Changing a row under audit: the before picture, the new values, the save and the entry."""

from __future__ import annotations

from django.db import models

from openics.core.audit import Auditor, snapshot


def change(obj: models.Model, audit: Auditor, *, update_fields=None, **values) -> models.Model:
    """Sets `values` on `obj`, saves it (only `update_fields`, when given) and records the
    change with `audit`, its before and after pictures."""
    before = snapshot(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=update_fields)
    audit.changed(obj, before)
    return obj
