from tests.api.conftest import elsewhere_target, other_operation  # noqa: F401 (shared)
from tests.web.conftest import found_target  # noqa: F401 (shared)
