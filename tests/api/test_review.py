"""The review queue: uncertain pairs shown with their sources, decided by a person."""

import pytest

from reunite.access.policy import Cap
from reunite.children.models import MatchReview, SourceRecord
from tests.api.helpers import refusal, role_with, role_without


@pytest.fixture
def pair(operation, make_target, agencies):
    a = make_target(first_name="Lupita", ncic="active", case=None)
    b = make_target(first_name="Guadalupe", ncic=None, case="open")
    for target, code, record_id in ((a, "NCMEC", "N-1"), (b, "DASO", "D-9")):
        SourceRecord.objects.create(
            child=target.child, agency=agencies[code], record_id=record_id, data={}, fields={},
            content_hash=record_id, file_name=f"{code}.csv", row_number=3,
        )
    return MatchReview.objects.create(
        operation=operation, child_a=a.child, child_b=b.child, match_probability=0.71,
        agreements={"first_name": "nickname", "dob": "exact"},
    )


def test_the_queue_shows_both_children_with_their_sources(api, operation, pair):
    response = api(role_with(Cap.REVIEW_MATCHES)).get(f"/api/v1/operations/{operation.pk}/review")

    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == pair.pk and item["match_probability"] == 0.71
    assert item["a"]["first_name"] == "Lupita"
    assert item["a"]["sources"][0]["agency"] == "NCMEC"
    assert item["b"]["sources"][0]["record_id"] == "D-9"
    assert item["agreements"] == {"first_name": "nickname", "dob": "exact"}


def test_deciding_same_merges_the_two_children(api, operation, pair):
    role = role_with(Cap.REVIEW_MATCHES)

    response = api(role).post(f"/api/v1/review/{pair.pk}", {"decision": "same"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["decision"] == "same" and response.json()["decided_by"] == role
    listed = api(role_with(Cap.VIEW_TARGETS)).get(
        f"/api/v1/operations/{operation.pk}/targets/").json()
    assert listed["count"] == 1
    assert {s["record_id"] for s in listed["results"][0]["sources"]} == {"N-1", "D-9"}
    assert api(role).get(f"/api/v1/operations/{operation.pk}/review/").json() == []


def test_a_decision_is_refused_when_unreadable_twice_or_by_role(api, pair):
    role = role_with(Cap.REVIEW_MATCHES)
    url = f"/api/v1/review/{pair.pk}/"
    refusal(api(role).post(url, {"decision": "maybe"}, format="json"), 400, "invalid_decision",
            "decision")
    refusal(api(role_without(Cap.REVIEW_MATCHES)).post(url, {"decision": "same"}, format="json"),
            403, "forbidden")
    assert api(role).post(url, {"decision": "different"}, format="json").status_code == 200
    refusal(api(role).post(url, {"decision": "same"}, format="json"), 409, "already_decided")


def test_another_operations_pair_is_not_found(api, other_operation, elsewhere_target,
                                              make_target):
    review = MatchReview.objects.create(
        operation=other_operation, child_a=elsewhere_target.child,
        child_b=make_target().child, match_probability=0.6,
    )
    role = role_with(Cap.REVIEW_MATCHES)
    refusal(api(role).post(f"/api/v1/review/{review.pk}", {"decision": "same"}, format="json"),
            404, "unknown_review")
    refusal(api(role).get(f"/api/v1/operations/{other_operation.pk}/review"), 404,
            "unknown_operation")


def test_a_chain_is_one_decision_a_client_can_group_and_answer_with_neither(api, operation,
                                                                          agencies):
    from tests.intake.test_identity_intake import ana, load

    load(operation, agencies["DASO"], [ana("A-1", "2005-02-10"), ana("A-2", "2009-07-22"),
                                       ana("A-3", "")], "daso.csv")
    role = role_with(Cap.REVIEW_MATCHES)
    url = f"/api/v1/operations/{operation.pk}/review"
    queue = api(role).get(url).json()
    assert len(queue) == 3 and len({item["chain"] for item in queue}) == 1
    assert queue[0]["chain"].startswith("child:")

    response = api(role).post(f"/api/v1/review/{queue[0]['id']}", {"decision": "neither"},
                              format="json")

    assert response.status_code == 200, response.content
    assert response.json()["decision"] == "different"
    assert api(role).get(url).json() == []


def test_neither_is_refused_for_a_pair_on_its_own(api, pair):
    role = role_with(Cap.REVIEW_MATCHES)
    refusal(api(role).post(f"/api/v1/review/{pair.pk}/", {"decision": "neither"}, format="json"),
            400, "not_a_chain", "decision")
    assert api(role).get(f"/api/v1/operations/{pair.operation_id}/review").json()[0][
        "chain"] == ""
