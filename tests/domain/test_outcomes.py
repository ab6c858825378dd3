"""The seed's definitions of recovered and located, accepted and refused."""

import datetime as dt

import pytest

from reunite.audit.models import AuditEvent
from reunite.core.errors import DomainError
from reunite.operations.models import FollowUp, TargetStatus
from reunite.operations.services import (
    offer_service,
    record_local_case_closed,
    record_ncic_cleared,
    record_outcome,
    record_screening,
)

FOUND = dict(date=dt.date(2021, 6, 2), city="Las Cruces", state="NM", country="US", agency="LCPD")


def refused(code, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.detail
    return caught.value


def test_recovered_needs_an_active_ncic_entry(make_target):
    target = make_target(ncic=None, case="open")
    error = refused("no_active_ncic", record_outcome, target, status="recovered",
                    circumstance="returned_to_guardian", **FOUND)
    assert "NCIC" in error.detail and error.field == "status"
    target.refresh_from_db()
    assert target.status == TargetStatus.OUTSTANDING


def test_recovered_with_active_ncic_tracks_the_ncic_removal(make_target):
    target = make_target(ncic="active", case=None)
    outcome = record_outcome(target, status="recovered", circumstance="placed_with_cyfd", **FOUND)
    target.refresh_from_db()
    assert target.status == "recovered" and outcome.ncic_entry is not None
    pending = FollowUp.objects.filter(target=target, done_on__isnull=True)
    assert {f.kind for f in pending} == {"ncic_removal", "screening"}

    record_ncic_cleared(target, date=dt.date(2021, 6, 3))
    outcome.ncic_entry.refresh_from_db()
    assert outcome.ncic_entry.status == "cleared"
    assert not FollowUp.objects.filter(target=target, kind="ncic_removal",
                                       done_on__isnull=True).exists()
    refused("no_pending_follow_up", record_ncic_cleared, target, date=dt.date(2021, 6, 4))


def test_located_needs_an_open_local_case(make_target):
    target = make_target(ncic="active", case="closed")
    refused("no_open_local_case", record_outcome, target, status="located",
            circumstance="with_friends", **FOUND)


def test_located_tracks_the_local_case_closure(make_target):
    target = make_target(ncic=None, case="open")
    record_outcome(target, status="located", circumstance="with_relatives", **FOUND)
    assert FollowUp.objects.get(target=target, kind="local_case_closure").pending
    record_local_case_closed(target, date=dt.date(2021, 6, 5))
    case = target.child.local_cases.get()
    assert case.status == "closed" and case.closed_on == dt.date(2021, 6, 5)


@pytest.mark.parametrize(
    "status, circumstance, code",
    [
        ("recovered", "with_friends", "circumstance_not_allowed"),
        ("located", "placed_with_cyfd", "circumstance_not_allowed"),
        ("located", "abducted_by_aliens", "invalid_circumstance"),
        ("found", "with_friends", "invalid_status"),
    ],
)
def test_circumstance_must_fit_the_outcome(make_target, status, circumstance, code):
    target = make_target()
    error = refused(code, record_outcome, target, status=status, circumstance=circumstance,
                    **FOUND)
    assert error.field in ("circumstance", "status")


@pytest.mark.parametrize("date", ["2021-02-30", "13/45/2009", "2099-01-01", "2021-04-01"])
def test_impossible_dates_are_refused_naming_the_field(make_target, date):
    target = make_target()
    error = refused("invalid_date", record_outcome, target, status="located",
                    circumstance="with_friends", **{**FOUND, "date": date})
    assert error.field == "date"


def test_a_child_is_found_once_per_episode_and_found_abroad_is_kept(make_target):
    target = make_target()
    outcome = record_outcome(target, status="located", circumstance="residing_elsewhere",
                             **{**FOUND, "city": "Ciudad Juárez", "state": "CHH",
                                "country": "Mexico"})
    assert outcome.country == "MX"
    refused("already_found", record_outcome, target, status="recovered",
            circumstance="returned_to_guardian", **FOUND)


def test_an_agency_outside_the_operation_cannot_record(make_target, db):
    from reunite.agencies.services import create_agency

    create_agency(code="EPPD", name="El Paso Police", kind="local_le")
    refused("agency_not_in_operation", record_outcome, make_target(), status="located",
            circumstance="with_friends", **{**FOUND, "agency": "EPPD"})


def test_every_change_writes_an_audit_event_and_refusals_write_nothing(make_target):
    target = make_target()
    before = AuditEvent.objects.count()
    refused("no_open_local_case", record_outcome, make_target(case=None), status="located",
            circumstance="with_friends", **FOUND)
    after_refusal = AuditEvent.objects.count()
    record_outcome(target, status="located", circumstance="with_friends", **FOUND)
    event = AuditEvent.objects.filter(action="outcome.record").get()
    assert event.child_id == target.child_id and event.changes["status"] == "located"
    assert after_refusal == before + 1  # only the second target's list entry


def test_services_and_screening_only_for_found_children(make_target):
    target = make_target()
    refused("not_found_yet", offer_service, target, type="counseling",
            offered_on=dt.date(2021, 6, 2))
    record_outcome(target, status="located", circumstance="with_friends", **FOUND)
    offer_service(target, type="counseling", provider="La Piñon", offered_on=dt.date(2021, 6, 2),
                  response="accepted")
    refused("invalid_type", offer_service, target, type="massage",
            offered_on=dt.date(2021, 6, 2))
    refused("reason_required", record_screening, target, instrument="CSE-IT",
            date=dt.date(2021, 6, 3), result="not_completed")
    record_screening(target, instrument="CSE-IT", version="2.0", date=dt.date(2021, 6, 3),
                     result="possible_concern", indicators=["online_enticement"])
    assert not FollowUp.objects.filter(target=target, kind="screening",
                                       done_on__isnull=True).exists()


def test_every_open_case_and_active_entry_is_followed_up(make_target, agencies):
    from reunite.children.models import LocalCase

    target = make_target(ncic="active", case="open")
    LocalCase.objects.create(child=target.child, agency=agencies["DASO"], case_number="DA-1")
    record_outcome(target, status="located", circumstance="with_friends", **FOUND)
    pending = FollowUp.objects.filter(target=target, done_on__isnull=True)
    assert sorted(f.kind for f in pending) == [
        "local_case_closure", "local_case_closure", "ncic_removal", "screening"]
    record_local_case_closed(target, date=dt.date(2021, 6, 5), case_number="DA-1")
    assert list(target.child.local_cases.filter(status="open").values_list(
        "agency__code", flat=True)) == ["LCPD"]
    record_local_case_closed(target, date=dt.date(2021, 6, 6))
    assert not target.child.local_cases.filter(status="open").exists()
    refused("no_pending_follow_up", record_local_case_closed, target, date=dt.date(2021, 6, 7))


def test_a_list_entry_added_after_work_began_is_not_baseline(operation, make_target):
    from reunite.children.models import Child
    from reunite.operations.services import put_on_list

    record_outcome(make_target(), status="located", circumstance="with_friends", **FOUND)
    late = put_on_list(operation, Child.objects.create(first_name="Tardío"))
    assert late.on_baseline is False
