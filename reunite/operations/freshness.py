"""Figures computed over a whole list, kept until the next change.

Every change is audited in the transaction that makes it, so the newest audit event of a change
(`data_version`) names the state of the data: anything counted or ordered over a list can be kept
under that version and is thrown away by the next change. Reads are audited too but change
nothing, so they keep what was counted (were they counted, every page view would throw it away).
A short expiry bounds what two transactions committing out of order could leave stale.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from reunite.audit.actions import READ_ACTIONS
from reunite.audit.models import AuditEvent

KEPT_SECONDS = 30

T = TypeVar("T")


def data_version() -> int:
    """The newest id of an audit event that changed something."""
    return (AuditEvent.objects.exclude(action__in=READ_ACTIONS).order_by("-pk")
            .values_list("pk", flat=True).first() or 0)


def _full(key: str, version: int | None) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"kept:{digest}:{data_version() if version is None else version}"


def kept(key: str, compute: Callable[[], T], version: int | None = None,
         seconds: int = KEPT_SECONDS) -> T:
    """`compute()`, or what it gave under the same key since the last change. The key must
    name everything the answer depends on besides the data: the list (operation, the user whose
    scope it is), the filters and the order."""
    full = _full(key, version)
    found = cache.get(full)
    if found is None:
        found = compute()
        cache.set(full, found, seconds)
    return found


def keep(key: str, value, version: int, seconds: int = KEPT_SECONDS) -> None:
    """Replace what is kept under `key` for `version` (something computed a piece at a time)."""
    cache.set(_full(key, version), value, seconds)
