"""The API gives a date of birth at the precision known (DESIGN.md §6): never a made-up day."""

import datetime as dt

from reunite.core.dates import PartialDate


def _vague(target, text: str):
    target.child.set_dob(PartialDate.from_iso(text))
    target.child.save()
    return target


def test_dob_is_iso_at_its_precision_in_the_list_and_the_childs_record(api, operation,
                                                                       make_target):
    _vague(make_target(first_name="Itzel"), "2008")
    month = _vague(make_target(first_name="Brayan"), "2009-11")
    make_target(first_name="Dulce", dob=dt.date(2006, 3, 30))
    nobody = make_target(first_name="Sin", dob=None)

    body = api("investigator").get(f"/api/v1/operations/{operation.pk}/targets/").json()
    dobs = {item["child"]["first_name"]: item["child"]["dob"] for item in body["results"]}
    assert dobs == {"Itzel": "2008", "Brayan": "2009-11", "Dulce": "2006-03-30", "Sin": None}
    one = api("investigator").get(f"/api/v1/targets/{month.pk}/").json()
    assert one["child"]["dob"] == "2009-11"
    assert nobody.child.dob_iso == ""


def test_the_schema_says_dob_may_be_partial(api):
    schema = api("investigator").get("/api/v1/schema/", {"format": "json"}).json()
    dob = schema["components"]["schemas"]["ChildSummary"]["properties"]["dob"]
    assert dob["type"] == "string" and dob["pattern"] == r"^\d{4}(-\d{2}(-\d{2})?)?$"


def test_an_operation_says_which_pfif_domains_it_accepts(api, agencies):
    from reunite.access.policy import Cap
    from tests.api.helpers import refusal, role_with

    manager = api(role_with(Cap.MANAGE_OPERATIONS))
    new = {"name": "Operation Border Notes", "area": "El Paso County, Texas",
           "start_date": "2021-05-01", "lead_agencies": ["HSI"]}
    body = manager.post("/api/v1/operations/", {**new, "pfif_domains": ["PersonFinder.Google.org"]},
                        format="json").json()
    assert body["pfif_domains"] == ["personfinder.google.org"]
    refusal(manager.post("/api/v1/operations/", {**new, "name": "Other",
                                                 "pfif_domains": ["not a domain/x"]},
                         format="json"), 400, "invalid_domain", "pfif_domains")
    default = manager.post("/api/v1/operations/", {**new, "name": "Third"}, format="json").json()
    assert default["pfif_domains"] == []          # every domain accepted
