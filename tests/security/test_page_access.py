"""The same refusals on the pages: list, search, detail, export and report, for every role and
an agency outside the operation."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "investigator", "caseworker", "analyst", "pio", "auditor", "administrator"]
SEES_CHILDREN = {"coordinator", "investigator", "caseworker", "analyst", "auditor"}
EXPORTS = {"coordinator", "investigator"}


@pytest.fixture
def browser(cast, outsider):
    def signed_in(role):
        client = Client()
        client.force_login(outsider if role == "outsider" else cast[role])
        return client

    return signed_in


def _expect(role: str, allowed: set) -> int:
    if role == "outsider":
        return 404
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_pages_refuse_who_must_be_refused(browser, role, operation, target):
    client = browser(role)
    slug = operation.slug

    assert client.get(f"/ops/{slug}/children/").status_code == _expect(role, SEES_CHILDREN)
    assert client.get(f"/ops/{slug}/children/?q=Guadalupe").status_code == _expect(
        role, SEES_CHILDREN)
    assert client.get(f"/children/{target.pk}/").status_code == _expect(role, SEES_CHILDREN)
    assert client.get(f"/ops/{slug}/children/export.csv").status_code == _expect(role, EXPORTS)
    assert client.get(f"/ops/{slug}/report/").status_code == _expect(role, set(ROLES))


@pytest.mark.parametrize("role", ["pio", "administrator"])
def test_the_report_page_shows_aggregates_only_to_roles_without_children(browser, role,
                                                                        operation, target):
    page = browser(role).get(f"/ops/{operation.slug}/report/")

    assert "Guadalupe" not in page.content.decode()


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_the_audit_pages_refuse_who_must_be_refused(browser, role, target):
    client = browser(role)
    allowed = {"auditor", "administrator"}
    expected = 200 if role in allowed else 403

    assert client.get("/audit/").status_code == expected
    assert client.get(f"/audit/children/{target.child_id}/").status_code == expected
