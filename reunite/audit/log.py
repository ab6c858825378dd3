"""Writing, sealing and verifying audit events.

Writing takes no lock that anyone else waits for. `record()` inserts the event with the hash of its
own content (its digest) and nothing more:

- inside the caller's transaction when there is one, so a change and its audit event are stored
  together or not at all;
- otherwise (a read: a search, a look at a child) on its own — on PostgreSQL straight into the
  table, on SQLite first into the spool beside the database (`reunite.audit.spool`), because SQLite
  lets one writer at a time into the database file and an import may be that writer for a minute.

The chain is then sealed by `seal()`, in a short transaction of its own, just after the writer's
commit (and by `reunite audit verify`): it takes the events committed and not yet sealed, in the
order it finds them, and gives each its position, the hash of the event before it and its own
chain hash, which covers its id and its digest. Only the sealer locks the chain head, and never for
long. A transaction that rolls back leaves no event and no hole in the chain; an event whose writer
has not committed yet is sealed later, after those that committed before it.

`verify()` reads the log in one consistent snapshot and reports the unsealed tail as waiting, never
as tampering. An event edited, deleted or cut from the end of the sealed chain is named.
"""

import json
import logging
import os
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    OperationalError,
    close_old_connections,
    connections,
    models,
    transaction,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reunite.audit import spool
from reunite.audit.actions import READ_ACTIONS, VIEW_ACTIONS  # noqa: F401 (their old home)
from reunite.audit.context import Actor, actor_for_request, actor_for_user, current_actor
from reunite.audit.models import AuditChainHead, AuditEvent, chain_hash
from reunite.core.bulk import insert_rows, instances
from reunite.core.sqlite import busy, patience

GENESIS = "0" * 64
logger = logging.getLogger(__name__)

# How long an opportunistic seal waits for SQLite's write lock before leaving the work to the
# next one (milliseconds). Events are safe meanwhile; only their place in the chain waits.
SEAL_PATIENCE_MS = 50
SEAL_BATCH = 2000
# The fields an event is written with (and carried in the spool).
CONTENT = ("key", "at", "actor_id", "actor_username", "ip", "channel", "action", "object_type",
           "object_id", "child_id", "operation_id", "changes", "detail", "outcome", "digest")


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


def _connection():
    return connections[DEFAULT_DB_ALIAS]


def _in_caller_transaction(conn) -> bool:
    """True inside a transaction the caller opened (not the test runner's wrapper)."""
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


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
    event = AuditEvent(
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
    )
    event.digest = event.compute_digest()
    conn = _connection()
    if _in_caller_transaction(conn):
        event.save()
        _seal_after_commit(conn)
        return event
    if conn.vendor == "sqlite":
        spool.append(str(event.key), _spooled(event))
    else:
        event.save()
    if _seal_soon():
        return event  # stored (in the spool on SQLite); sealed in a moment
    return AuditEvent.objects.filter(key=event.key).first() or event


def _spooled(event: AuditEvent) -> str:
    body = {name: getattr(event, name) for name in CONTENT}
    body["key"] = str(event.key)
    body["at"] = event.at.isoformat()
    return json.dumps(body)


def _unspooled(body: str) -> AuditEvent:
    fields = json.loads(body)
    fields["at"] = parse_datetime(fields["at"])
    fields["key"] = uuid.UUID(fields["key"])
    return AuditEvent(**fields)


def _seal_now():
    _seal_soon()


def _seal_soon() -> bool:
    """Seal now, or (the production server: REUNITE_AUDIT_SEAL_INTERVAL_MS) wake this process's
    sealer, which seals everything waiting a moment later in one short transaction instead of one
    per request. Return whether the sealing was left to the sealer."""
    interval = getattr(settings, "REUNITE_AUDIT_SEAL_INTERVAL_MS", 0)
    if not interval:
        _seal_quietly()
        return False
    _sealer(interval).set()
    return True


_sealer_state: dict = {"pid": None, "wake": None}
_sealer_lock = threading.Lock()


def _sealer(interval_ms: int) -> threading.Event:
    """The wake-up of this process's sealer thread, started on first use (after a fork, too)."""
    state = _sealer_state
    if state["pid"] == os.getpid():
        return state["wake"]
    with _sealer_lock:
        if state["pid"] != os.getpid():
            wake = threading.Event()
            threading.Thread(target=_sealer_loop, args=(wake, interval_ms / 1000),
                             name="audit-sealer", daemon=True).start()
            state["wake"], state["pid"] = wake, os.getpid()
    return state["wake"]


def _sealer_loop(wake: threading.Event, interval: float) -> None:
    while True:
        wake.wait()
        time.sleep(interval)  # events of the requests meanwhile join this batch
        wake.clear()
        close_old_connections()  # this thread's connection, as a request's would be
        _seal_quietly()
        try:
            if _connection().vendor == "sqlite" and spool.count():
                wake.set()  # the database was busy (an import): try again after the interval
        except Exception:  # noqa: BLE001 - the next event wakes the sealer anyway
            logger.exception("the audit spool could not be read")


def _seal_after_commit(conn) -> None:
    # Once per transaction, however many events it writes (an import writes thousands).
    if not any(func is _seal_now for _sids, func, _robust in conn.run_on_commit):
        transaction.on_commit(_seal_now, robust=True)


def _seal_quietly() -> None:
    """Seal what can be sealed now; the event is stored whatever happens here."""
    try:
        seal(patience_ms=SEAL_PATIENCE_MS)
    except Exception:  # noqa: BLE001 - sealing again later is the remedy, never a failed request
        logger.exception("audit events could not be sealed now; the next seal will take them")


_patience = patience  # reunite.core.sqlite
_busy = busy


def seal(*, patience_ms: int | None = None) -> int:
    """Give every committed, unsealed event its place in the chain; return how many were sealed.

    Runs in transactions of its own (never inside a caller's: it would seal events that may still
    roll back), a batch at a time so the chain head is never held for long. With `patience_ms`, a
    sealer that would have to wait for another writer leaves the work for later instead.
    """
    conn = _connection()
    if _in_caller_transaction(conn):
        return 0
    total = 0
    while True:
        try:
            with _patience(conn, patience_ms):
                done, moved = _seal_batch(conn, skip_locked=patience_ms is not None)
        except OperationalError as error:
            if patience_ms is not None and _busy(error):
                return total
            raise
        spool.forget(moved)
        total += done
        if done < SEAL_BATCH and len(moved) < SEAL_BATCH:
            return total


def _seal_batch(conn, *, skip_locked: bool) -> tuple[int, list[int]]:
    with transaction.atomic():
        head = (
            AuditChainHead.objects.select_for_update(skip_locked=skip_locked)
            .filter(pk=1).first()
        )
        if head is None:
            if AuditChainHead.objects.filter(pk=1).exists():
                return 0, []  # another sealer is at work (PostgreSQL)
            try:
                with transaction.atomic():
                    head = AuditChainHead.objects.create(pk=1)
            except IntegrityError:
                return 0, []
        moved = _move_spooled() if conn.vendor == "sqlite" else []
        pending = list(
            AuditEvent.objects.filter(seq__isnull=True).order_by("id")
            .values_list("id", "digest")[:SEAL_BATCH]
        )
        rows = []
        for event_id, digest in pending:
            seq = head.last_seq + 1
            new_hash = chain_hash(head.last_hash, seq, event_id, digest)
            rows.append((seq, head.last_hash, new_hash, event_id))
            head.last_seq, head.last_hash, head.last_id = seq, new_hash, event_id
        if rows:
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {AuditEvent._meta.db_table} SET seq = %s, prev_hash = %s, "
                    "hash = %s WHERE id = %s AND seq IS NULL",
                    rows,
                )
            head.save(update_fields=["last_seq", "last_hash", "last_id"])
    return len(rows), moved


def _move_spooled() -> list[int]:
    """Copy the events waiting in the SQLite spool into the table (inside the sealer's
    transaction); return their spool numbers, to forget once that transaction commits."""
    waiting = spool.waiting(SEAL_BATCH)
    if not waiting:
        return []
    events = [(number, _unspooled(body)) for number, body in waiting]
    present = set(
        AuditEvent.objects.filter(key__in=[event.key for _n, event in events])
        .values_list("key", flat=True)
    )
    for _number, event in events:
        if event.key not in present:
            event.save()
    return [number for number, _event in events]


def record_many(
    action: str, entries: list[tuple[models.Model, dict]], *, operation_id: int | None = None,
    actor: Actor | None = None,
) -> int:
    """`record(action, obj, child_id=..., operation_id=..., changes=...)` for each
    (obj, {"child_id": ..., "changes": ...}), written in one multi-row insert inside the caller's
    transaction: a 100,000-row import writes its events in seconds rather than minutes. They are
    sealed into the chain after the commit, like every other event.
    """
    if not entries:
        return 0
    actor = actor or current_actor()
    ip = AuditEvent._meta.get_field("ip").to_python(actor.ip) if actor.ip else None
    at = timezone.now()  # the moment of the change they record, one for all
    events = instances(AuditEvent, (
        {"at": at, "actor_id": actor.user_id, "actor_username": actor.username[:150],
         "ip": ip, "channel": actor.channel, "action": action,
         "object_type": obj._meta.label_lower, "object_id": str(obj.pk),
         "child_id": extra.get("child_id"), "operation_id": operation_id,
         "changes": _jsonable(extra.get("changes") or {}), "detail": "",
         "outcome": AuditEvent.Outcome.SUCCESS}
        for obj, extra in entries))
    for event in events:
        event.digest = event.compute_digest()
    with transaction.atomic():
        # The manager refuses bulk_create to everyone else; these rows carry their digests as
        # record() computes them and are sealed after the commit.
        insert_rows(AuditEvent, events)
        _seal_after_commit(_connection())
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


@dataclass
class Verification:
    problems: list[ChainProblem] = field(default_factory=list)
    sealed: int = 0
    waiting: int = 0  # written, not yet sealed: never a problem in itself
    last_id: int = 0
    last_hash: str = GENESIS


@contextmanager
def read_snapshot():
    """One consistent view of the database for the duration (REPEATABLE READ on PostgreSQL, a
    read transaction on SQLite), so rows committed meanwhile are neither half-seen nor missed."""
    conn = _connection()
    if conn.in_atomic_block:  # the caller's transaction is the snapshot (tests)
        yield
        return
    if conn.vendor == "postgresql":
        with transaction.atomic():
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if conn.vendor != "sqlite":
        with transaction.atomic():
            yield
        return
    conn.ensure_connection()
    with conn.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")  # a reader: takes no write lock, sees one snapshot
    try:
        yield
    finally:
        with conn.cursor() as cursor:
            cursor.execute("COMMIT")


def verify() -> Verification:
    """Seal what is committed, then walk the chain in one snapshot: an edited event breaks its
    digest or its hash, a deleted one breaks the link, a truncated tail no longer matches the chain
    head. Events written but not yet sealed are counted as waiting."""
    seal(patience_ms=2000)
    result = Verification()
    with read_snapshot():
        _walk(result)
        if _connection().vendor == "sqlite":
            result.waiting += spool.count()
    return result


def _walk(result: Verification) -> None:
    problems = result.problems
    prev_hash, prev_id, expected = GENESIS, 0, 1
    sealed = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for event in sealed.iterator(chunk_size=2000):
        if event.seq != expected or event.prev_hash != prev_hash:
            problems.append(ChainProblem(
                event.pk,
                f"event {event.pk} does not follow event {prev_id}: an event was deleted "
                "or reordered",
            ))
        if event.compute_digest() != event.digest or event.compute_hash() != event.hash:
            problems.append(ChainProblem(event.pk, f"event {event.pk} was altered after writing"))
        prev_hash, prev_id, expected = event.hash, event.pk, event.seq + 1
        result.sealed += 1
    for event in AuditEvent.objects.filter(seq__isnull=True).iterator(chunk_size=2000):
        if event.compute_digest() != event.digest:
            problems.append(ChainProblem(event.pk, f"event {event.pk} was altered after writing"))
        result.waiting += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    result.last_id, result.last_hash = prev_id, prev_hash
    if head is None:
        if result.sealed:
            problems.append(ChainProblem(None, "the chain head is missing: it was deleted"))
        return
    if head.last_seq != expected - 1 or head.last_hash != prev_hash:
        if head.last_seq > expected - 1:
            reason = (f"the last event ({head.last_id}) is missing: the log was truncated after "
                      f"event {prev_id}")
        else:
            reason = (f"the chain head (event {head.last_id}) does not match the last sealed "
                      f"event ({prev_id}): the chain was rewritten")
        problems.append(ChainProblem(None, reason))


def verify_chain() -> list[ChainProblem]:
    return verify().problems
