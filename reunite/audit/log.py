"""Writing and verifying audit events.

Every domain function calls `record()` inside its own transaction, so a change and its audit
event are stored together or not at all. Each event carries the hash of the one before it; the
hash is computed before the row is inserted (the id comes from the chain head, under its row lock),
so no event is ever written twice — the table only ever sees INSERTs.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from reunite.audit.context import Actor, actor_for_request, actor_for_user, current_actor
from reunite.audit.models import AuditChainHead, AuditEvent
from reunite.core.bulk import insert_rows

GENESIS = "0" * 64

# Actions that mean "someone looked at a child's record" (the auditor's "who saw this child").
VIEW_ACTIONS = ("target.view", "child.view", "target.export", "child.export")


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
    actor: Actor | None = None,
) -> AuditEvent:
    actor = actor or current_actor()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            pk=head.last_id + 1,
            at=timezone.now(),
            actor_id=actor.user_id,
            actor_username=actor.username[:150],
            ip=AuditEvent._meta.get_field("ip").to_python(actor.ip) if actor.ip else None,
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
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_id = event.pk
        head.last_hash = event.hash
        head.save(update_fields=["last_id", "last_hash"])
    return event


def record_many(
    action: str, entries: list[tuple[models.Model, dict]], *, operation_id: int | None = None,
    actor: Actor | None = None,
) -> int:
    """`record(action, obj, child_id=..., operation_id=..., changes=...)` for each
    (obj, {"child_id": ..., "changes": ...}) in order, under one lock of the chain head: a
    100,000-row import writes its events in seconds rather than minutes. Same events, same chain.
    """
    if not entries:
        return 0
    actor = actor or current_actor()
    ip = AuditEvent._meta.get_field("ip").to_python(actor.ip) if actor.ip else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        last_id, last_hash = head.last_id, head.last_hash
        events = []
        for obj, extra in entries:
            event = AuditEvent(
                pk=last_id + 1, at=timezone.now(), actor_id=actor.user_id,
                actor_username=actor.username[:150], ip=ip, channel=actor.channel,
                action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk),
                child_id=extra.get("child_id"), operation_id=operation_id,
                changes=_jsonable(extra.get("changes") or {}), detail="",
                outcome=AuditEvent.Outcome.SUCCESS, prev_hash=last_hash,
            )
            event.hash = event.compute_hash()
            last_id, last_hash = event.pk, event.hash
            events.append(event)
        # The manager refuses bulk_create to everyone else; here the ids and hashes are computed
        # under the head's lock exactly as record() computes them, and the rows only inserted.
        insert_rows(AuditEvent, events)
        head.last_id, head.last_hash = last_id, last_hash
        head.save(update_fields=["last_id", "last_hash"])
    return len(events)


def _actor_of(who) -> Actor | None:
    """A request (page or API) or a user, as the actor of an access event."""
    if who is None:
        return None
    if hasattr(who, "META"):
        return actor_for_request(who)
    return actor_for_user(who, current_actor().ip, current_actor().channel)


def audit_access(
    action: str,
    who=None,
    obj: models.Model | None = None,
    *,
    child_id: int | None = None,
    operation_id: int | None = None,
    detail: str = "",
    changes: dict | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
) -> AuditEvent:
    """Record a read: a search, a list, an export, a report, a look at the audit log.

    `who` is the request (preferred: it names the user and address) or a user; without it the
    actor of the current context is used.
    """
    return record(
        action, obj, child_id=child_id, operation_id=operation_id, detail=detail,
        changes=changes, outcome=outcome, actor=_actor_of(who),
    )


def audit_view(who, target, *, action: str = "target.view", detail: str = "") -> AuditEvent:
    """Record that someone looked at a child's record (a Target, or a Child with no operation)."""
    child_id = getattr(target, "child_id", None)
    operation_id = getattr(target, "operation_id", None)
    if child_id is None and target._meta.label_lower == "children.child":
        child_id, action = target.pk, ("child.view" if action == "target.view" else action)
    return record(
        action, target, child_id=child_id, operation_id=operation_id, detail=detail,
        actor=_actor_of(who),
    )


def audit_refusal(who, action: str, *, detail: str = "", child_id=None, operation_id=None):
    """Record a refused attempt (403/404 on a record the user may not reach)."""
    return record(
        action, None, child_id=child_id, operation_id=operation_id, detail=detail,
        outcome=AuditEvent.Outcome.REFUSED, actor=_actor_of(who),
    )


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
    """Walk the chain: an edited event breaks its own hash, a deleted one breaks the link, a
    truncated tail no longer matches the chain head."""
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
    if head and head.last_id and (last_seen is None or head.last_hash != last_seen.hash):
        problems.append(
            ChainProblem(
                None,
                f"the last event ({head.last_id}) is missing: the log was truncated after event "
                f"{prev_id}",
            )
        )
    return problems
