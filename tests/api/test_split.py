"""Undoing a merge through the API: POST /api/v1/targets/{id}/split."""

import pytest

from reunite.access.policy import Cap
from reunite.audit.models import AuditEvent
from reunite.children.models import SourceRecord
from reunite.operations.models import Target
from reunite.operations.services import log_activity
from tests.api.helpers import refusal, role_with, role_without
from tests.merged import merged_target


@pytest.fixture
def merged(operation, agencies):
    return merged_target(operation, agencies)


def sources(target, *record_ids):
    return list(SourceRecord.objects.filter(child=target.child, record_id__in=record_ids)
                .values_list("pk", flat=True))


def test_a_wrong_merge_is_split_and_the_new_child_goes_on_the_list(api, operation, merged, cast):
    # Rows that named the same agency case were joined by rule, although one is a sister.
    assert merged.child.source_records.count() == 3
    log_activity(merged, kind="note", summary="Called the guardian", user=cast["coordinator"])
    karina = sources(merged, "M210000002")

    response = api(role_with(Cap.REVIEW_MATCHES)).post(
        f"/api/v1/targets/{merged.pk}/split", {"sources": karina}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["target"]["child"]["first_name"] == "KARINA"
    assert body["target"]["child"]["dob"] == "2010-09-30"
    assert [s["record_id"] for s in body["target"]["sources"]] == ["M210000002"]
    assert {s["record_id"] for s in body["original"]["sources"]} == {"L-1", "M210000001"}
    new = Target.objects.get(pk=body["target"]["id"])
    assert new.operation == operation and new.on_baseline and new.status == "outstanding"
    # What the agencies sent follows the records; what people did stays where it was written.
    assert [e.nic for e in new.child.ncic_entries.all()] == ["M210000002"]
    assert [e.nic for e in merged.child.ncic_entries.all()] == ["M210000001"]
    assert merged.child.local_cases.count() == 1 and new.child.local_cases.count() == 0
    assert merged.activities.count() == 1 and new.activities.count() == 0
    event = AuditEvent.objects.filter(action="child.split").get()
    assert event.changes["sources"] == karina and event.changes["new_child"] == new.child_id


def test_a_split_is_refused_in_the_error_contract(api, merged, elsewhere_target):
    client = api(role_with(Cap.REVIEW_MATCHES))
    url = f"/api/v1/targets/{merged.pk}/split"
    everything = list(merged.child.source_records.values_list("pk", flat=True))
    refusal(client.post(url, {"sources": everything}, format="json"), 400, "all_sources",
            "sources")
    refusal(client.post(url, {"sources": [everything[0], 999999]}, format="json"), 400,
            "unknown_source", "sources")
    refusal(client.post(url, {"sources": []}, format="json"), 400, "required", "sources")
    refusal(client.post(url, {}, format="json"), 400, "required", "sources")
    refusal(api(role_without(Cap.REVIEW_MATCHES)).post(
        url, {"sources": everything[:1]}, format="json"), 403, "forbidden")
    refusal(client.post(f"/api/v1/targets/{elsewhere_target.pk}/split",
                        {"sources": everything[:1]}, format="json"), 404, "unknown_target")
    assert merged.child.source_records.count() == 3
