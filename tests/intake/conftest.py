"""The API's clients and its operation nobody in the cast works, for the background-job tests."""

from tests.api.conftest import api, other_operation  # noqa: F401
