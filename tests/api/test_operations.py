"""Agencies and operations: who may list, create and read them."""

from reunite.access.policy import Cap
from reunite.audit.models import AuditEvent
from reunite.operations.models import TargetStatus
from tests.api.helpers import refusal, role_with, role_without

NEW_AGENCY = {"code": "HSI-ALB", "name": "HSI Albuquerque", "kind": "federal_le", "parent": "HSI"}
NEW_OPERATION = {
    "name": "Operation Safe Harbor", "area": "Otero County, New Mexico",
    "start_date": "2021-09-01", "lead_agencies": ["USMS"], "agencies": ["CYFD", "NMSP"],
}


def test_everyone_signed_in_reads_the_agencies(api, agencies):
    response = api("pio").get("/api/v1/agencies/")

    assert response.status_code == 200
    by_code = {a["code"]: a for a in response.json()}
    assert by_code["HSI-DEM"] == {
        "code": "HSI-DEM", "name": "HSI Deming", "kind": "federal_le", "ori": "", "parent": "HSI",
    }


def test_an_agency_manager_adds_a_field_office(api, agencies):
    response = api(role_with(Cap.MANAGE_AGENCIES)).post("/api/v1/agencies/", NEW_AGENCY,
                                                         format="json")

    assert response.status_code == 201
    assert response.json()["parent"] == "HSI"
    assert AuditEvent.objects.filter(action="agency.create").exists()


def test_adding_an_agency_is_refused_by_rule_and_by_role(api, agencies):
    manager = api(role_with(Cap.MANAGE_AGENCIES))
    refusal(manager.post("/api/v1/agencies/", {**NEW_AGENCY, "code": "HSI"}, format="json"),
            409, "duplicate_agency", "code")
    refusal(manager.post("/api/v1/agencies/", {**NEW_AGENCY, "kind": "militia"}, format="json"),
            400, "invalid_kind", "kind")
    refusal(manager.post("/api/v1/agencies/", {**NEW_AGENCY, "parent": "FBI"}, format="json"),
            400, "unknown_agency", "parent")
    refusal(manager.post("/api/v1/agencies/", {"code": "X"}, format="json"), 400, "required",
            "name")
    refusal(api(role_without(Cap.MANAGE_AGENCIES)).post("/api/v1/agencies/", NEW_AGENCY,
                                                         format="json"), 403, "forbidden")


def test_operations_are_those_your_agency_takes_part_in(api, operation, other_operation):
    response = api("investigator").get("/api/v1/operations/")

    assert response.status_code == 200
    names = [o["name"] for o in response.json()]
    assert names == ["Operation Rescue Me"]
    assert response.json()[0]["lead_agencies"] == ["HSI", "USMS"]


def test_operation_detail_by_id_or_slug_with_counts(api, operation, make_target):
    make_target()
    make_target(first_name="Yesenia")

    by_id = api("pio").get(f"/api/v1/operations/{operation.pk}/").json()
    by_slug = api("pio").get(f"/api/v1/operations/{operation.slug}").json()

    assert by_id == by_slug
    assert by_id["ongoing"] is True and by_id["start_date"] == "2021-05-01"
    assert by_id["counts"]["listed"] == 2
    assert by_id["counts"][TargetStatus.OUTSTANDING] == 2
    assert by_id["counts"]["baseline"] == 2 and by_id["counts"]["added"] == 0


def test_another_agencys_operation_is_not_found(api, operation, other_operation):
    refusal(api("investigator").get(f"/api/v1/operations/{other_operation.pk}/"), 404,
            "unknown_operation")
    refusal(api("investigator").get("/api/v1/operations/99999/"), 404, "unknown_operation")


def test_a_coordinator_sets_up_an_operation(api, agencies):
    role = role_with(Cap.MANAGE_OPERATIONS)

    response = api(role).post("/api/v1/operations/", NEW_OPERATION, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "operation-safe-harbor"
    assert body["lead_agencies"] == ["USMS"]
    assert set(body["agencies"]) == {"USMS", "CYFD", "NMSP"}
    assert body["counts"]["listed"] == 0
    assert AuditEvent.objects.filter(action="operation.create",
                                     operation_id=body["id"]).exists()


def test_setting_up_an_operation_is_refused_by_rule_and_by_role(api, agencies, operation):
    manager = api(role_with(Cap.MANAGE_OPERATIONS))
    refusal(manager.post("/api/v1/operations/", {**NEW_OPERATION, "start_date": "2021-02-30"},
                         format="json"), 400, "invalid_date", "start_date")
    refusal(manager.post("/api/v1/operations/", {**NEW_OPERATION, "lead_agencies": []},
                         format="json"), 400, "required", "lead_agencies")
    refusal(manager.post("/api/v1/operations/", {**NEW_OPERATION, "agencies": ["FBI"]},
                         format="json"), 400, "unknown_agency", "agencies")
    refusal(manager.post("/api/v1/operations/", {**NEW_OPERATION, "name": operation.name},
                         format="json"), 409, "duplicate_operation", "name")
    refusal(api(role_without(Cap.MANAGE_OPERATIONS)).post(
        "/api/v1/operations/", NEW_OPERATION, format="json"), 403, "forbidden")
