"""A note written about a restricted fact (foster care, screening, trafficking, an investigation)
is shown only to roles with the need to know; the others learn that it exists."""

import pytest

from reunite.operations.services import log_activity

pytestmark = pytest.mark.django_db

NOTE = "Spoke with the foster placement: she is settling in."


@pytest.fixture
def target(make_target):
    return make_target()


@pytest.fixture
def foster_note(target, cast):
    return log_activity(target, kind="note", summary=NOTE, user=cast["caseworker"],
                        restricted="foster_care")


def test_the_api_hides_the_text_of_a_restricted_note_from_the_analyst(cast, foster_note):
    from reunite.api.representations import ActivitySerializer

    for role, sees in (("caseworker", True), ("analyst", False)):
        request = type("Request", (), {"user": cast[role]})()
        data = ActivitySerializer(foster_note, context={"request": request}).data
        assert (data["summary"] == NOTE) is sees
        if not sees:
            assert data["summary"] == {"restricted": True}
        assert data["restricted"] == "foster_care"


def test_a_note_can_be_marked_restricted_through_the_api(api, target):
    response = api("caseworker").post(f"/api/v1/targets/{target.pk}/activities", {
        "kind": "note", "summary": NOTE, "restricted": "foster_care"}, format="json")

    assert response.status_code == 201
    assert response.json()["summary"] == NOTE
    assert response.json()["restricted"] == "foster_care"


def test_an_unknown_restriction_is_refused(api, target):
    response = api("caseworker").post(f"/api/v1/targets/{target.pk}/activities", {
        "kind": "note", "summary": NOTE, "restricted": "gossip"}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "restricted"


def test_the_case_page_hides_the_text_from_roles_without_the_need_to_know(client, cast, target,
                                                                          foster_note):
    client.force_login(cast["analyst"])
    hidden = client.get(f"/children/{target.pk}/").content.decode()
    client.force_login(cast["caseworker"])
    shown = client.get(f"/children/{target.pk}/").content.decode()

    assert "settling in" not in hidden
    assert "settling in" in shown
