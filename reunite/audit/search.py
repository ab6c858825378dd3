"""Searching the audit log, for the auditors' page and API alike (one set of filters)."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from reunite.access.scoping import audit_events_for
from reunite.audit.actions import VIEW_ACTIONS
from reunite.audit.models import AuditEvent
from reunite.core.errors import DomainError, NotFound
from reunite.core.ids import parse_id

FILTERS = ("child", "user", "action", "operation", "outcome", "since", "until")


def _moment(text: str, field: str, *, end_of_day: bool = False) -> dt.datetime:
    """A date (whole day) or an ISO date-time, in the server's time zone if none is given."""
    try:
        day = parse_date(text) if len(text) == 10 else None  # a date means the whole day
        value = (dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
                 if day else parse_datetime(text))
    except ValueError:
        value = None
    if value is None:
        raise DomainError(
            "invalid_date", f"'{text}' is not a date (YYYY-MM-DD) or ISO date-time.", field
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _number(text: str, field: str) -> int:
    number = parse_id(text)
    if number is None:
        raise DomainError("invalid", f"'{text}' is not an id: give a number.", field)
    return number


def search_events(user, params) -> tuple[QuerySet[AuditEvent], dict]:
    """Events the user may read that match the filters; also the filters as understood.

    child: a child's id · user: a username or user id · action: exact, or a prefix ending in "."
    (``auth.``) · operation: an operation id · outcome: success, failure or refused ·
    since / until: a date (whole day, inclusive) or an ISO date-time.
    """
    events = audit_events_for(user)
    used: dict = {}
    for key in FILTERS:
        raw = (params.get(key) or "").strip()
        if not raw:
            continue
        used[key] = raw
        if key == "child":
            events = events.filter(child_id=_number(raw, key))
        elif key == "operation":
            events = events.filter(operation_id=_number(raw, key))
        elif key == "user":
            events = events.filter(actor_id=parse_id(raw)) if parse_id(raw) else events.filter(
                actor_username=raw
            )
        elif key == "action":
            events = (events.filter(action__startswith=raw) if raw.endswith(".")
                      else events.filter(action=raw))
        elif key == "outcome":
            if raw not in AuditEvent.Outcome.values:
                raise DomainError("invalid_choice", "outcome is success, failure or refused.", key)
            events = events.filter(outcome=raw)
        elif key == "since":
            events = events.filter(at__gte=_moment(raw, key))
        elif key == "until":
            events = events.filter(at__lte=_moment(raw, key, end_of_day=True))
    return events.order_by("-id"), used


def child_views(user, child_id) -> QuerySet[AuditEvent]:
    """Who looked at (or exported) this child's record, and when: newest first.
    Refuses a child outside the user's audit scope as 'not found'."""
    child_pk = parse_id(child_id) or -1
    events = audit_events_for(user).filter(child_id=child_pk)
    if not _child_in_scope(user, child_pk):
        raise NotFound("unknown_child", f"No child you may audit has the id '{child_id}'.")
    return events.filter(action__in=VIEW_ACTIONS).order_by("-id")


# Files and full reports that carry the names of every child on an operation's list.
LIST_EXPORT_ACTIONS = ("export", "target.export")
FULL_REPORT_ACTIONS = ("report.view", "report.generate")


def child_list_exports(user, child_id: int) -> QuerySet[AuditEvent]:
    """Exports and full (non-public) reports of the operations whose list carries this child:
    the child's name left the screen in them, though not their whole record."""
    from django.db.models import Q

    from reunite.operations.models import Target

    operation_ids = Target.objects.filter(child_id=child_id).values("operation_id")
    return (
        audit_events_for(user)
        .filter(operation_id__in=operation_ids, child_id__isnull=True)
        .filter(Q(action__in=LIST_EXPORT_ACTIONS)
                | Q(action__in=FULL_REPORT_ACTIONS, changes__public=False))
        .order_by("-id")
    )


def child_changes(user, child_id: int) -> QuerySet[AuditEvent]:
    """Everything else recorded about the child: changes, refusals, outcomes."""
    return (audit_events_for(user).filter(child_id=child_id)
            .exclude(action__in=VIEW_ACTIONS).order_by("-id"))


def _child_in_scope(user, child_pk: int) -> bool:
    from reunite.access.policy import Cap, has_cap
    from reunite.access.scoping import operations_for
    from reunite.children.models import Child
    from reunite.operations.models import Target

    if not has_cap(user, Cap.VIEW_AUDIT):
        return False
    if user.is_superuser or has_cap(user, Cap.MANAGE_ACCOUNTS):
        return Child.objects.filter(pk=child_pk).exists()
    return Target.objects.filter(
        child_id=child_pk, operation__in=operations_for(user).values("pk")
    ).exists()
