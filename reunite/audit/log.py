"""Writing and verifying audit events.

Every domain function calls `record()` inside its own transaction, so a change and its audit
event are stored together or not at all.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from reunite.audit.context import current_actor
from reunite.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _jsonable(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict | None = None,
    detail: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    child_id: int | None = None,
    operation_id: int | None = None,
    actor=None,
) -> AuditEvent:
    actor = actor or current_actor()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            at=timezone.now(),
            actor_id=actor.user_id,
            actor_username=actor.username,
            ip=actor.ip,
            channel=actor.channel,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            child_id=child_id,
            operation_id=operation_id,
            changes=_jsonable(changes or {}),
            detail=detail,
            outcome=outcome,
            prev_hash=head.last_hash,
            hash="pending-" + timezone.now().isoformat() + str(id(actor)),
        )
        event.save()
        event.hash = event.compute_hash()
        AuditEvent.objects.filter(pk=event.pk).update(hash=event.hash)
        head.last_id = event.pk
        head.last_hash = event.hash
        head.save(update_fields=["last_id", "last_hash"])
    return event


def diff(before: dict, after: dict) -> dict:
    """Fields that changed, as {field: [old, new]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


@dataclass
class ChainProblem:
    event_id: int | None
    reason: str


def verify_chain() -> list[ChainProblem]:
    """Walk the chain: an edited event breaks its own hash, a deleted one breaks the link."""
    problems: list[ChainProblem] = []
    prev_hash = GENESIS
    prev_id = 0
    last_seen = None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev_hash:
            problems.append(
                ChainProblem(
                    event.pk,
                    f"event {event.pk} does not follow event {prev_id}: an event was deleted "
                    "or reordered",
                )
            )
        if event.compute_hash() != event.hash:
            problems.append(ChainProblem(event.pk, f"event {event.pk} was altered after writing"))
        prev_hash, prev_id = event.hash, event.pk
        last_seen = event
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and (last_seen is None or head.last_hash != last_seen.hash):
        problems.append(
            ChainProblem(None, f"the last event ({head.last_id}) is missing: the log was truncated")
        )
    return problems
