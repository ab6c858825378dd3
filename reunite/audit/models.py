"""The append-only, hash-chained audit log (CJIS Security Policy: audit and accountability).

Events are only ever inserted, by `reunite.audit.log.record`. The ORM refuses to update or delete
them (here), PostgreSQL refuses it too (a trigger, migration 0002), and whatever slips past both —
someone with the database owner's password — breaks the hash chain that `reunite audit verify`
walks. Retention: events are kept for at least one year (REUNITE_AUDIT_RETENTION_DAYS, never below
366); nothing in Reunite deletes them.
"""

import hashlib
import json

from django.db import models


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
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        # Only log.record inserts, with the id and hash already computed; anything else is an edit.
        if not self._state.adding or self.pk is None or not self.hash:
            raise AppendOnlyError(_REFUSAL)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_REFUSAL)

    def payload(self) -> str:
        """The canonical text that the hash covers: every field but the hash itself."""
        return json.dumps(
            {
                "id": self.pk,
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
                "prev_hash": self.prev_hash,
            },
            sort_keys=True,
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()


class AuditChainHead(models.Model):
    """One row, locked while an event is appended, so concurrent writers cannot fork the chain."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain head at event {self.last_id}"
