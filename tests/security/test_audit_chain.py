"""The audit log is append-only and tamper-evident: the ORM and PostgreSQL refuse edits, and
`reunite audit verify` catches whatever gets past them, naming the event."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from reunite.audit import log
from reunite.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    return [log.record("test.event", detail=f"event {i}") for i in range(n)]


TRIGGER = "ALTER TABLE audit_auditevent {} TRIGGER audit_auditevent_append_only"


def _raw(sql: str, params=()) -> None:
    """What an intruder with the database password would do: SQL past the ORM (on PostgreSQL
    the append-only trigger is switched off first, as the table's owner could)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(TRIGGER.format("DISABLE"))
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(TRIGGER.format("ENABLE"))


def _verify() -> tuple[bool, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue() + str(error)
    return True, out.getvalue()


def test_an_untouched_log_verifies():
    _events(5)

    intact, text = _verify()

    assert intact, text
    assert "intact" in text


def test_events_are_written_with_their_hash_in_one_insert():
    first, second = _events(2)

    assert second.pk == first.pk + 1
    assert second.prev_hash == first.hash
    assert AuditEvent.objects.get(pk=second.pk).compute_hash() == second.hash


def test_editing_an_event_by_hand_is_caught_and_named():
    events = _events(5)
    target = events[2]

    _raw("UPDATE audit_auditevent SET actor_username = %s WHERE id = %s", ["nobody", target.pk])
    intact, text = _verify()

    assert not intact
    assert f"event {target.pk} was altered" in text


def test_deleting_an_event_in_the_middle_is_caught():
    events = _events(5)

    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    intact, text = _verify()

    assert not intact
    assert f"event {events[3].pk} does not follow event {events[1].pk}" in text


def test_truncating_the_tail_is_caught():
    events = _events(5)

    _raw("DELETE FROM audit_auditevent WHERE id >= %s", [events[3].pk])
    intact, text = _verify()

    assert not intact
    assert "truncated" in text


def test_the_tampering_stays_visible_after_new_events():
    events = _events(3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])

    log.record("test.after")
    intact, _text = _verify()

    assert not intact


def test_verifying_is_itself_audited():
    _events(1)

    _verify()

    assert AuditEvent.objects.filter(action="audit.verify").exists()


def test_the_orm_refuses_to_change_or_delete_events():
    event = _events(1)[0]
    event.detail = "rewritten"

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.create(at=event.at, action="forged", prev_hash="x", hash="")
    assert AuditEvent.objects.get(pk=event.pk).detail == "event 0"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_raw_updates_and_deletes():
    event = _events(1)[0]

    for sql in ("UPDATE audit_auditevent SET detail = 'x' WHERE id = %s",
                "DELETE FROM audit_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_empty_log_verifies():
    intact, text = _verify()

    assert intact, text


def test_a_rolled_back_change_leaves_no_event_and_no_false_alarm():
    first = log.record("test.before")
    with pytest.raises(RuntimeError), transaction.atomic():
        log.record("test.rolled_back")
        raise RuntimeError("the change fails")
    last = log.record("test.after")

    intact, text = _verify()

    assert intact, text
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    assert AuditEvent.objects.get(pk=last.pk).prev_hash == AuditEvent.objects.get(pk=first.pk).hash


def test_events_of_a_transaction_are_chained_once_it_commits():
    with transaction.atomic():
        inside = [log.record("test.in_transaction") for _ in range(3)]
        # Written with their digest, not yet in the chain: nobody else had to wait for them.
        assert all(AuditEvent.objects.get(pk=e.pk).seq is None for e in inside)

    log.seal()

    sealed = AuditEvent.objects.filter(pk__in=[e.pk for e in inside]).order_by("seq")
    assert [e.seq is not None for e in sealed] == [True, True, True]
    assert _verify()[0]


def test_events_not_yet_sealed_are_reported_as_waiting_not_as_tampering(monkeypatch):
    _events(2)
    monkeypatch.setattr(log, "seal", lambda **kwargs: 0)  # as if the sealer had not run yet
    with transaction.atomic():
        log.record("test.just_written")

    intact, text = _verify()

    assert intact, text
    assert "1 events written moments ago are waiting" in text


def test_editing_an_event_not_yet_sealed_is_caught(monkeypatch):
    monkeypatch.setattr(log, "seal", lambda **kwargs: 0)
    with transaction.atomic():
        event = log.record("test.just_written", detail="as written")
    _raw("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ["rewritten", event.pk])

    intact, text = _verify()

    assert not intact
    assert f"event {event.pk} was altered" in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_lets_through_the_seal_and_nothing_else():
    with transaction.atomic():
        event = log.record("test.unsealed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:  # content changed along with a seal
            cursor.execute("UPDATE audit_auditevent SET detail = 'x', seq = 999999, "
                           "hash = 'h' WHERE id = %s", [event.pk])

    log.seal()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:  # a second seal
            cursor.execute("UPDATE audit_auditevent SET seq = 999999 WHERE id = %s", [event.pk])
    assert _verify()[0]


def test_the_servers_batched_sealing_stores_every_read_at_once_and_verify_chains_it(
        monkeypatch, settings):
    """`reunite serve` leaves sealing to a sealer thread per process: a read's event is stored
    before the request ends (the table, or SQLite's spool) and `audit verify` chains it."""
    from reunite.audit import spool

    settings.REUNITE_AUDIT_SEAL_INTERVAL_MS = 200
    woken = []
    monkeypatch.setattr(log, "_sealer", lambda interval: type(
        "Wake", (), {"set": lambda self: woken.append(interval)})())
    _events(2)
    stored_before = AuditEvent.objects.count() + (
        spool.count() if connection.vendor == "sqlite" else 0)

    intact, text = _verify()

    assert woken[:2] == [200, 200]  # (the third: verify records that it ran)
    assert stored_before >= 2
    assert intact, text
    assert AuditEvent.objects.filter(action="test.event", seq__isnull=True).count() == 0
    assert AuditEvent.objects.filter(action="test.event").count() == 2
