"""The API's shape (DESIGN.md §6): both slash forms, the OpenAPI schema, errors always in JSON."""

import pytest
from drf_spectacular.validation import validate_schema

from tests.api.helpers import refusal

GET_PATHS = [
    "/api/v1/agencies",
    "/api/v1/operations",
    "/api/v1/operations/{op}",
    "/api/v1/operations/{op}/targets",
    "/api/v1/operations/{op}/review",
    "/api/v1/operations/{op}/report",
    "/api/v1/operations/{op}/export",
    "/api/v1/targets/{target}",
]
POST_PATHS = [
    "/api/v1/targets/{target}/outcome",
    "/api/v1/targets/{target}/ncic-clear",
    "/api/v1/targets/{target}/local-case-close",
    "/api/v1/targets/{target}/services",
    "/api/v1/targets/{target}/screenings",
    "/api/v1/targets/{target}/activities",
    "/api/v1/targets/{target}/assign",
    "/api/v1/operations/{op}/investigations",
    "/api/v1/operations/{op}/intake",
    "/api/v1/review/1",
]


@pytest.mark.parametrize("slash", ["", "/"])
@pytest.mark.parametrize("path", GET_PATHS)
def test_every_read_answers_with_and_without_the_trailing_slash(api, operation, make_target,
                                                               path, slash):
    target = make_target()
    url = path.format(op=operation.pk, target=target.pk) + slash

    response = api("root").get(url)

    assert response.status_code == 200, (url, response.content)


@pytest.mark.parametrize("slash", ["", "/"])
@pytest.mark.parametrize("path", POST_PATHS)
def test_every_write_answers_with_and_without_the_trailing_slash(api, operation, make_target,
                                                                path, slash):
    target = make_target()
    url = path.format(op=operation.pk, target=target.pk) + slash

    body_format = "multipart" if path.endswith("/intake") else "json"
    response = api("root").post(url, {}, format=body_format)

    # An empty body is refused by the endpoint itself (not a redirect, not a missing route).
    assert response.status_code in (400, 404), (url, response.content)
    assert response.json()["error"] in ("required", "unknown_review")


@pytest.mark.parametrize("path", GET_PATHS + POST_PATHS)
def test_no_token_is_401_not_authenticated(api, operation, make_target, path):
    target = make_target()
    url = path.format(op=operation.pk, target=target.pk)

    response = api().get(url) if path in GET_PATHS else api().post(url, {}, format="json")

    refusal(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_wrong_token_is_401(api, operation):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    refusal(client.get("/api/v1/operations/"), 401, "authentication_failed")


def test_schema_is_served_and_valid_openapi(api):
    response = api().get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    paths = schema["paths"]
    for path in ("/api/v1/auth/token/", "/api/v1/operations/{operation_id}/targets/",
                 "/api/v1/targets/{target_id}/outcome/", "/api/v1/review/{review_id}/"):
        assert path in paths
    assert "Error" in schema["components"]["schemas"]


def test_schema_without_slash_and_the_docs_page(api):
    assert api().get("/api/v1/schema").status_code == 200
    docs = api().get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_an_unknown_path_is_a_json_404(api):
    refusal(api("root").get("/api/v1/nothing-here/"), 404, "not_found")


def test_a_wrong_method_is_a_json_405(api, operation):
    refusal(api("root").delete(f"/api/v1/operations/{operation.pk}/"), 405,
            "method_not_allowed")


def test_malformed_json_is_a_json_400(api, make_target):
    target = make_target()
    response = api("root").post(
        f"/api/v1/targets/{target.pk}/outcome", "{not json", content_type="application/json"
    )
    refusal(response, 400, "parse_error")
