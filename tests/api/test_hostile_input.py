"""Ids, queries and paths an attacker or a fuzzer sends: each gets an answer in the error contract,
never a server error or a debug page."""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ident", ["²", "٣", "99999999999999999999999", "9223372036854775808",
                                   "-1", "0", "1.5", "%0A"])
def test_odd_ids_are_not_found_in_json(api, operation, make_target, ident):
    make_target()
    client = api("coordinator")

    for path in (f"/api/v1/targets/{ident}/", f"/api/v1/operations/{ident}/",
                 f"/api/v1/review/{ident}/"):
        response = (client.post(path, {"decision": "same"}, format="json") if "review" in path
                    else client.get(path))
        assert response.status_code == 404, (path, response.content[:200])
        assert response.json()["error"].startswith("unknown_")


def test_a_path_with_a_newline_gets_the_api_json_404_not_a_url_listing(api):
    response = api("coordinator").get("/api/v1/audit/children/\nñ/views/")

    assert response.status_code in (403, 404)
    assert response["Content-Type"] == "application/json"


def test_an_unknown_api_path_is_json_even_past_the_api_urls(api, client):
    response = client.get("/api/v1/nothing\nhere")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize("query", ["page_size=-47", "page_size=0", "page_size=501",
                                   "page_size=abc", "page=abc", "page=²"])
def test_invalid_paging_is_refused_with_the_field_named(api, operation, query):
    response = api("coordinator").get(f"/api/v1/operations/{operation.pk}/targets/?{query}")

    assert response.status_code == 400
    assert response.json()["field"] == query.split("=")[0]


def test_a_yes_no_parameter_refuses_anything_else(api, operation):
    response = api("coordinator").get(f"/api/v1/operations/{operation.pk}/report?public=zz")

    assert response.status_code == 400
    assert response.json()["field"] == "public"


def test_a_target_id_too_large_for_the_database_is_refused_in_a_body(api, operation):
    response = api("coordinator").post(
        f"/api/v1/operations/{operation.pk}/investigations",
        {"type": "other", "lead_agency": "HSI", "opened": "2021-05-02",
         "targets": [2**70]}, format="json",
    )

    assert response.status_code == 400
    assert response.json()["field"].startswith("targets")


def test_the_schema_types_enums_and_ids(api):
    schema = api("coordinator").get("/api/v1/schema/?format=json").json()

    components = schema["components"]["schemas"]
    status = components["OutcomeInputRequest"]["properties"]["status"]
    enum = components[status["allOf"][0]["$ref"].rsplit("/", 1)[1]]["enum"]
    assert enum == ["recovered", "located"]
    target = schema["paths"]["/api/v1/targets/{target_id}/"]["get"]["parameters"][0]
    assert target["schema"]["type"] == "integer"


def test_web_pages_treat_huge_ids_as_not_found(client, cast):
    client.force_login(cast["coordinator"])

    assert client.get("/children/99999999999999999999999/").status_code == 404


def test_serve_refuses_to_run_in_debug_mode(settings):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="never runs with DEBUG on"):
        call_command("serve", "--port", "8106")
