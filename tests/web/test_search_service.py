"""One search for the list page and the API: misspellings an analyst types at 2 a.m., case
numbers and NICs, with the same answers in both."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reunite.children.models import LocalCase, NCICEntry

PEOPLE = [("Rubén", "Arredondo", "Olivas"), ("Tyler", "Aguilar", ""), ("Chloe", "Collins", ""),
          ("Rosa", "Ortega", "Ruiz"), ("Tomás", "Aguirre", ""), ("Claudia", "Colón", "")]


@pytest.fixture
def people(make_target):
    return {first: make_target(first_name=first, last_name=last, second_last_name=second)
            for first, last, second in PEOPLE}


def _page_names(client, operation, q) -> str:
    return client.get(f"/ops/{operation.slug}/children/", {"q": q}).content.decode()


def _api_ids(cast, operation, q) -> set[int]:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=cast["investigator"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = client.get(f"/api/v1/operations/{operation.pk}/targets/", {"q": q}).json()
    return {row["id"] for row in body["results"]}


@pytest.mark.parametrize("typed, meant", [
    ("Ruben Aredondo", "Rubén"), ("Tyler Agilar", "Tyler"), ("Khloe Collins", "Chloe"),
])
def test_misspelt_names_find_the_child_on_the_page_and_in_the_api(
        as_user, cast, operation, people, typed, meant):
    page = _page_names(as_user("investigator"), operation, typed)
    assert people[meant].child.full_name in page
    assert "Rosa Ortega" not in page
    assert people[meant].pk in _api_ids(cast, operation, typed)


def test_a_case_number_or_nic_finds_the_child_on_the_page_and_in_the_api(
        as_user, cast, operation, people, agencies):
    rosa = people["Rosa"]
    LocalCase.objects.filter(child=rosa.child).update(case_number="DA20-20099")
    NCICEntry.objects.filter(child=rosa.child).update(nic="M123456789")
    client = as_user("investigator")
    for typed in ("DA20-20099", "da20-20099", "M123456789", "m123456789"):
        page = _page_names(client, operation, typed)
        assert "Rosa Ortega Ruiz" in page, typed
        assert "Tyler Aguilar" not in page, typed
        assert _api_ids(cast, operation, typed) == {rosa.pk}, typed
