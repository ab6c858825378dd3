"""The append-only, hash-chained audit log (CJIS Security Policy: audit and accountability)."""

import hashlib
import json

from django.db import models


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

    class Meta:
        ordering = ["id"]

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

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"


class AuditChainHead(models.Model):
    """One row, locked while an event is appended, so concurrent writers cannot fork the chain."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
