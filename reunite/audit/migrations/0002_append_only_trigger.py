"""PostgreSQL refuses UPDATE and DELETE on audit events, whoever asks (the ORM refuses too).

SQLite has no equivalent that would not also break test-database flushes; there the ORM guard and
the hash chain (`reunite audit verify`) do the work.
"""

from django.db import migrations

CREATE = """
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

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS reunite_audit_append_only();
"""


def forwards(apps, schema_editor):
    # The chain head exists from the start, so the first writers never race to create it.
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
