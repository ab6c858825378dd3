"""What the list counts and orders over the whole list is kept until the next change: a page
number typed or linked lands on the same rows as walking there with Next, a change shows at
once, and the closest spellings are the same on every database."""

import pytest

from reunite.children.models import Child
from reunite.children.services import refresh_search_text
from reunite.operations.models import Target
from reunite.operations.search import search_targets
from reunite.operations.services import put_on_list
from reunite.web.views import children as children_view

pytestmark = pytest.mark.django_db

SURNAMES = ["Armendáriz", "Baca", "Chacón", "Durán", "Escalante", "Flores", "Guzmán", "Holguín",
            "Ibarra"]


def _names(response) -> list[str]:
    return [target.child.last_name for target in response.context["page"].object_list]


@pytest.fixture
def nine(make_target):
    return [make_target(first_name="Ana", last_name=surname, second_last_name="")
            for surname in reversed(SURNAMES)]


def test_a_typed_page_number_shows_the_rows_next_would_reach(
        as_user, operation, nine, monkeypatch):
    monkeypatch.setattr(children_view, "PAGE_SIZE", 2)
    client = as_user("coordinator")
    url = f"/ops/{operation.slug}/children/"
    walked, after = [], None
    for number in range(1, 6):
        params = {"page": number, **({"after": after} if after else {})}
        response = client.get(url, params)
        walked.append(_names(response))
        after = response.context["page"].object_list[-1].child_id
    assert walked == [SURNAMES[n:n + 2] for n in range(0, 9, 2)]
    for number in (4, 2, 5, 3):  # typed, in any order: the kept boundaries are reused
        assert _names(client.get(url, {"page": number})) == walked[number - 1]
    descending = client.get(url, {"page": 2, "sort": "-name"})
    assert _names(descending) == list(reversed(SURNAMES))[2:4]


def test_a_change_shows_at_once_in_counts_pages_and_searches(
        as_user, operation, nine, monkeypatch):
    monkeypatch.setattr(children_view, "PAGE_SIZE", 2)
    client = as_user("coordinator")
    url = f"/ops/{operation.slug}/children/"
    assert client.get(url).context["page"].paginator.count == 9
    assert _names(client.get(url, {"page": 2})) == ["Chacón", "Durán"]
    assert client.get(url, {"q": "aaron"}).context["page"].paginator.count == 0
    # A child added (audited) before Baca: the count, the page boundaries and the search follow.
    child = Child.objects.create(first_name="Aarón", last_name="Baca")
    refresh_search_text(child)
    put_on_list(operation, child)
    assert client.get(url).context["page"].paginator.count == 10
    assert _names(client.get(url, {"page": 2})) == ["Baca", "Chacón"]
    found = client.get(url, {"q": "aaron"}).context["page"]
    assert [t.child.first_name for t in found.object_list] == ["Aarón"]


def test_closest_spellings_are_the_same_children_in_the_same_order_everywhere(make_target):
    for first, last, second in [("Guadalupe", "Hernandes", "Ortiz"),
                                ("Guadalupe", "Fernández", "Ortiz"),
                                ("Guadalupe", "Hernández", "Ortiz"),
                                ("Guadalupe", "Hernández", "García"),
                                ("Lupe", "Fernández", "Ortiz"),
                                ("Guillermo", "Herrera", "Ortega"),
                                ("Rosa", "Baca", "Ruiz")]:
        make_target(first_name=first, last_name=last, second_last_name=second)
    found = search_targets(Target.objects.listed(), "Guadalupa Hernandex Ortis")
    assert found.fuzzy
    names = [str(Target.objects.get(pk=pk).child) for pk in found.ids]
    # Best first, equals by list entry: what the page and the API show on SQLite and PostgreSQL.
    assert names == ["Guadalupe Hernandes Ortiz", "Guadalupe Hernández Ortiz",
                     "Guadalupe Fernández Ortiz"]
