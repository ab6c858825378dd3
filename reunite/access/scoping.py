"""The one scoping mechanism: query filters that say which rows a user may reach.

Lists, detail views, search, exports and reports all start from these querysets, so a row that a
detail view would refuse never appears in a list either.
"""

from django.db.models import Q, QuerySet

from reunite.access.policy import Cap, has_cap
from reunite.core.errors import NotFound
from reunite.core.ids import parse_id
from reunite.operations.models import Operation, Target


def _agency_ids(user) -> list[int]:
    """The user's agency and its parent: a field office works its parent's operations."""
    if user.agency_id is None:
        return []
    ids = [user.agency_id]
    if user.agency.parent_id:
        ids.append(user.agency.parent_id)
    return ids


def operations_for(user) -> QuerySet[Operation]:
    """Operations the user's agency takes part in (all of them for superusers)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Operation.objects.none()
    if user.is_superuser:
        return Operation.objects.all()
    return Operation.objects.filter(agencies__in=_agency_ids(user)).distinct()


def targets_for(user, operation: Operation | None = None) -> QuerySet[Target]:
    """Children on the lists of the user's operations, if the role may see children at all."""
    if not has_cap(user, Cap.VIEW_TARGETS):
        return Target.objects.none()
    queryset = Target.objects.listed().filter(
        operation__in=operations_for(user).values("pk")
    )
    if operation is not None:
        queryset = queryset.filter(operation=operation)
    return queryset


def get_operation_for(user, ident) -> Operation:
    """An operation the user may reach, by id or slug; others are 'not found', not 'forbidden',
    so that a user cannot learn which operations exist."""
    text = str(ident).strip()
    pk = parse_id(text)
    query = Q(slug=text) | (Q(pk=pk) if pk is not None else Q(pk__in=[]))
    operation = operations_for(user).filter(query).first()
    if operation is None:
        raise NotFound("unknown_operation", f"No operation you can see has the id '{text}'.")
    return operation


def get_target_for(user, target_id) -> Target:
    pk = parse_id(target_id) or -1
    target = targets_for(user).select_related("operation", "child").filter(pk=pk).first()
    if target is None:
        raise NotFound("unknown_target", f"No child you can see has the id '{target_id}'.")
    return target


def audit_events_for(user):
    """Audit events an overseer may read: for superusers and administrators, the whole log;
    for auditors, everything about the operations their agency takes part in (and the children
    on those lists), plus account events (sign-ins, lockouts) that concern no operation."""
    from reunite.audit.models import AuditEvent

    if not has_cap(user, Cap.VIEW_AUDIT):
        return AuditEvent.objects.none()
    if user.is_superuser or has_cap(user, Cap.MANAGE_ACCOUNTS):
        return AuditEvent.objects.all()
    operation_ids = operations_for(user).values("pk")
    child_ids = Target.objects.filter(operation__in=operation_ids).values("child_id")
    return AuditEvent.objects.filter(
        Q(operation_id__in=operation_ids)
        | Q(operation_id__isnull=True, child_id__in=child_ids)
        | Q(operation_id__isnull=True, child_id__isnull=True)
    )
