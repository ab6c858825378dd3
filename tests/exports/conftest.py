from tests.api.conftest import api  # noqa: F401 (shared fixture)
from tests.web.conftest import as_user, found_target  # noqa: F401 (shared)
