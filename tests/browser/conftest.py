"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Never a downloaded browser: Chromium comes from apt (`make browsers`) and is launched by path.
The live server runs in a thread of this process, so the database must be transactional and
Django must allow the synchronous ORM calls Playwright's event loop would otherwise refuse.
"""

import datetime as dt
import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(items):
    if shutil.which(CHROMIUM) is None:
        skip = pytest.mark.skip(reason="Debian's chromium is not installed (make browsers)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800},
            "locale": "en-US"}


@pytest.fixture
def site(transactional_db, live_server, operation, cast):
    return live_server.url


@pytest.fixture
def sign_in(page, site):
    def sign_in_as(username: str):
        page.goto(f"{site}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{site}/ops/**")
        return page

    return sign_in_as


@pytest.fixture
def named_child(make_target):
    """Guadalupe Hernández Ortiz, with an open local case and no NCIC entry."""
    from reunite.children.services import refresh_search_text

    target = make_target(ncic=None, case="open", first_name="Guadalupe",
                         last_name="Hernández", second_last_name="Ortiz",
                         dob=dt.date(2006, 3, 14))
    refresh_search_text(target.child)
    return target
