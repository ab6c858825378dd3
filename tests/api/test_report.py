"""GET /operations/{id}/report: the figures for the coordinator, aggregates for the press."""

import datetime as dt

import pytest

from reunite.access.policy import ROLE_CAPS, Cap
from reunite.audit.models import AuditEvent
from reunite.operations.services import record_outcome
from tests.api.helpers import refusal, role_with


@pytest.fixture
def worked_list(make_target):
    recovered = make_target(first_name="Araceli", ncic="active", case=None)
    record_outcome(recovered, status="recovered", date=dt.date(2021, 6, 2),
                   circumstance="returned_to_guardian", agency="LCPD", city="Ciudad Juárez",
                   state="Chihuahua", country="MX")
    located = make_target(first_name="Itzel", ncic=None, case="open")
    record_outcome(located, status="located", date=dt.date(2021, 6, 9),
                   circumstance="with_friends", agency="LCPD")
    make_target(first_name="Brenda", dob=dt.date(2003, 5, 20))
    return [recovered, located]


def report(api, role, operation, **params):
    return api(role).get(f"/api/v1/operations/{operation.pk}/report", params)


def test_the_report_has_the_contract_figures(api, operation, worked_list):
    response = report(api, role_with(Cap.VIEW_REPORT), operation)

    assert response.status_code == 200
    body = response.json()
    assert (body["baseline"], body["recovered"], body["located"], body["outstanding"]) == (
        3, 1, 1, 1)
    assert body["found"] == 2 and body["added"] == 0 and body["found_abroad"] == 1
    assert (body["age_min"], body["age_max"]) == (15, 17)
    assert body["ongoing"] is True
    for key in ("services_offered", "investigations"):
        assert key in body
    event = AuditEvent.objects.filter(action="report.view").latest("id")
    assert event.operation_id == operation.pk and event.changes == {"public": False}


def test_the_public_report_names_nobody(api, operation, worked_list):
    body = report(api, role_with(Cap.VIEW_REPORT), operation, public=1).json()

    text = str(body)
    for name in ("Araceli", "Itzel", "Brenda", "Hernández", "2006-03-14", "Ciudad Juárez"):
        assert name not in text
    assert body["found"] == 2


def test_a_press_officer_always_gets_the_public_report(api, operation, worked_list):
    role = next(r for r, caps in ROLE_CAPS.items()
                if Cap.VIEW_PUBLIC_REPORT in caps and Cap.VIEW_REPORT not in caps)

    response = report(api, str(role), operation)

    assert response.status_code == 200
    assert response.json()["public"] is True and "Araceli" not in str(response.json())
    assert AuditEvent.objects.filter(action="report.view").latest("id").changes == {
        "public": True}


def test_the_report_is_refused_without_either_capability_or_elsewhere(
    api, operation, other_operation, monkeypatch
):
    monkeypatch.setitem(ROLE_CAPS, "pio", frozenset())
    refusal(report(api, "pio", operation), 403, "forbidden")
    refusal(report(api, role_with(Cap.VIEW_REPORT), other_operation), 404, "unknown_operation")
