"""Assertions shared by the API tests."""

from reunite.access.policy import NEED_TO_KNOW, ROLE_CAPS, Cap, Restricted

ROLES = ["coordinator", "investigator", "caseworker", "analyst", "pio", "auditor",
         "administrator"]


def role_with(cap: Cap) -> str:
    """A role of the cast that has the capability (the role table may change; the tests hold)."""
    return next(role for role in ROLES if cap in ROLE_CAPS[role])


def role_without(cap: Cap) -> str:
    return next(role for role in ROLES if cap not in ROLE_CAPS[role])


def role_with_need(restricted: Restricted, has: bool, cap: Cap = Cap.VIEW_TARGETS) -> str:
    """A role that can see children, with (or without) the need to know."""
    return next(
        role for role in ROLES
        if cap in ROLE_CAPS[role] and (role in NEED_TO_KNOW[restricted]) == has
    )


def refusal(response, status: int, code: str, field: str | None = None) -> dict:
    """Assert the contract's error shape and return the body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code, body
    assert body["detail"]
    if field is not None:
        assert body.get("field") == field, body
    return body
