"""Events are written with their own digest and sealed into the chain afterwards (no lock shared by
writers). Events already written are checked against the old chain first, then given their digest
and their seal in the order they were chained; a log that fails the old check is not rewritten.

PostgreSQL's append-only trigger now lets through exactly one change: the seal, once.
"""

import hashlib
import json
import uuid

from django.db import migrations, models

OLD_GENESIS = "0" * 64

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS reunite_audit_append_only();
"""

# Anything but the first seal of an event is refused: content and seal compared as JSON, with only
# the seal's three columns allowed to go from empty to set.
CREATE = """
CREATE OR REPLACE FUNCTION reunite_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND NEW.hash IS NOT NULL
       AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash')
           = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused on audit_auditevent', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION reunite_audit_append_only();
"""

OLD_CREATE = """
CREATE OR REPLACE FUNCTION reunite_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on audit_auditevent', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION reunite_audit_append_only();
"""


def _content(event) -> dict:
    return {
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "ip": event.ip,
        "channel": event.channel,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "child_id": event.child_id,
        "operation_id": event.operation_id,
        "changes": event.changes,
        "detail": event.detail,
        "outcome": event.outcome,
    }


def _sha(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def reseal(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    prev_old, prev_new, seq, last_id = OLD_GENESIS, OLD_GENESIS, 0, 0
    rows = []
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        old = _sha({"id": event.pk, **_content(event), "prev_hash": event.prev_hash})
        if event.prev_hash != prev_old or old != event.hash:
            raise RuntimeError(
                f"Audit event {event.pk} fails the old chain's check: the log was changed. "
                "Investigate with the previous release's `reunite audit verify` before upgrading."
            )
        key = uuid.uuid4()
        digest = _sha({"key": str(key), **_content(event)})
        seq += 1
        new_hash = hashlib.sha256(f"{prev_new}:{seq}:{event.pk}:{digest}".encode()).hexdigest()
        rows.append((str(key) if schema_editor.connection.vendor == "sqlite" else key, digest,
                     seq, prev_new, new_hash, event.pk))
        prev_old, prev_new, last_id = event.hash, new_hash, event.pk
    table = AuditEvent._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            rows = [(key.replace("-", ""), *rest) for key, *rest in rows]
        cursor.executemany(
            f"UPDATE {table} SET key = %s, digest = %s, seq = %s, prev_hash = %s, hash = %s "
            "WHERE id = %s",
            rows,
        )
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"last_seq": seq, "last_id": last_id, "last_hash": prev_new}
    )
    if schema_editor.connection.vendor == "postgresql":
        # Ids were given by the old chain head, not the sequence: the database gives them now.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )


def back_to_old_chain(apps, schema_editor):
    """Undo: the old chain (ids in order, each hash over the id, content and previous hash)."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    prev, last_id, rows = OLD_GENESIS, 0, []
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        old = _sha({"id": event.pk, **_content(event), "prev_hash": prev})
        rows.append((prev, old, event.pk))
        prev, last_id = old, event.pk
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {AuditEvent._meta.db_table} SET prev_hash = %s, hash = %s WHERE id = %s", rows
        )
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_id": last_id, "last_hash": prev})


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def restore_old_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)
        schema_editor.execute(OLD_CREATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.RunPython(drop_trigger, restore_old_trigger),
        migrations.AddField(
            model_name="auditevent", name="key", field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="auditevent", name="digest",
            field=models.CharField(default="", max_length=64), preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent", name="seq",
            field=models.BigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent", name="prev_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent", name="hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="auditchainhead", name="last_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(reseal, back_to_old_chain),
        migrations.AlterField(
            model_name="auditevent", name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(condition=models.Q(("seq__isnull", True)), fields=["id"],
                               name="audit_event_unsealed"),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
