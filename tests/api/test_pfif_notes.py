"""PFIF notes imported through the API land on the child's timeline, leads with their place."""

from pathlib import Path

from reunite.access.policy import Cap
from tests.api.helpers import role_with

FIXTURE = Path(__file__).parents[1] / "intake/fixtures/personfinder/test.pfif-1.4.xml"


def test_a_pfif_file_sent_to_the_api_puts_its_notes_on_the_timeline(api, operation, tmp_path):
    path = tmp_path / "pf.xml"
    path.write_bytes(FIXTURE.read_bytes())
    with path.open("rb") as handle:
        response = api(role_with(Cap.INTAKE)).post(
            f"/api/v1/operations/{operation.pk}/intake",
            {"file": handle, "source": "NCMEC"}, format="multipart")
    assert response.status_code in (200, 201), response.content
    assert response.json()["notes"] == {"added": 4, "leads": 3, "unchanged": 0}

    target = api("coordinator").get(f"/api/v1/operations/{operation.pk}/targets/").json()
    detail = api("coordinator").get(f"/api/v1/targets/{target['results'][0]['id']}/").json()
    assert detail["child"]["dob"] == "1970-01"
    leads = {a["external_id"]: a for a in detail["activities"] if a["kind"] == "tip"}
    contact = leads["test.google.com/note.31095"]
    assert contact["location"] == "19.16592425362802 -71.9384765625"
    assert contact["result"] == "open" and contact["summary"] == "new comment - testing"
    assert detail["outcome"] is None and detail["status"] == "outstanding"
