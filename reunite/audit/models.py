"""The append-only, hash-chained audit log (CJIS Security Policy: audit and accountability).

An event is inserted by `reunite.audit.log.record` with the hash of its own content (`digest`), and
nothing else: no lock is shared between writers, so a long import never holds up anyone else's
event. Moments later, in its own short transaction, the sealer (`log.seal`) gives each committed
event its place in the chain: `seq`, `prev_hash` and `hash` (which covers the id and the digest), in
the order the events were committed. That one-time seal is the only change an event ever sees.

The ORM refuses to update or delete events (here), PostgreSQL refuses it too (a trigger that lets
through only the seal, migration 0003), and whatever slips past both — someone with the database
owner's password — breaks the digest or the chain that `reunite audit verify` walks. Retention:
events are kept for at least one year (REUNITE_AUDIT_RETENTION_DAYS, never below 366); nothing in
Reunite deletes them.
"""

import hashlib
import json
import uuid

from django.db import models

from reunite.audit.actions import READ_ACTIONS


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


_REFUSAL = "Audit events are append-only: they can be neither changed nor deleted."


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(_REFUSAL)

    def delete(self):
        raise AppendOnlyError(_REFUSAL)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(_REFUSAL)

    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are written one at a time by reunite.audit.log.record.")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError(_REFUSAL)

    # Django's delete collector and raw deletes go through this private hook.
    def _raw_delete(self, using):
        raise AppendOnlyError(_REFUSAL)


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success"
        FAILURE = "failure"
        REFUSED = "refused"

    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=10)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    # The child concerned, if any, so "who saw this child" is one indexed query.
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    operation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    detail = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    # Written with the event: a unique name (an event parked in the SQLite spool keeps it on its way
    # into this table, so it is never copied twice) and the hash of everything above.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    digest = models.CharField(max_length=64)
    # Written once by the sealer: the event's place in the chain.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, null=True, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            # The sealer's work list stays small and is found without a scan.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True),
                         name="audit_event_unsealed"),
            # The newest change (reunite.operations.freshness.data_version) without walking
            # back over every read since it.
            models.Index(fields=["id"], condition=~models.Q(action__in=READ_ACTIONS),
                         name="audit_event_change"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        # Only log.record inserts, with the digest already computed; anything else is an edit.
        if not self._state.adding or self.pk is not None or not self.digest or self.seq:
            raise AppendOnlyError(_REFUSAL)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_REFUSAL)

    def payload(self) -> str:
        """The canonical text that the digest covers: the event's content, without the id (the
        database gives it at insert) and the seal (the chain's hash covers both)."""
        return json.dumps(
            {
                "key": str(self.key),
                "at": self.at.isoformat(),
                "actor_id": self.actor_id,
                "actor_username": self.actor_username,
                "ip": self.ip,
                "channel": self.channel,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "child_id": self.child_id,
                "operation_id": self.operation_id,
                "changes": self.changes,
                "detail": self.detail,
                "outcome": self.outcome,
            },
            sort_keys=True,
            default=str,
        )

    def compute_digest(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()

    def compute_hash(self) -> str:
        """The chain's hash of a sealed event: its place, its id, its content and the hash of the
        event before it."""
        return chain_hash(self.prev_hash or "", self.seq, self.pk, self.digest)


def chain_hash(prev_hash: str, seq: int | None, event_id: int | None, digest: str) -> str:
    return hashlib.sha256(f"{prev_hash}:{seq}:{event_id}:{digest}".encode()).hexdigest()


class AuditChainHead(models.Model):
    """One row: the last sealed event. Only the sealer locks it, in its own short transaction, so
    two sealers cannot fork the chain; writers of events never touch it."""

    last_seq = models.BigIntegerField(default=0)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain head at event {self.last_id} (position {self.last_seq})"
