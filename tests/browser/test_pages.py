"""The pages' second pass, in the browser: forms that work on their own, a badge that follows the
outcome, lists that say when they are cut short, a phone-width page that shows what happened."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_an_outcome_form_opened_in_its_own_tab_keeps_what_was_typed(sign_in, site, named_child):
    page = sign_in("investigator")
    page.goto(f"{site}/children/{named_child.pk}/outcome/")
    page.get_by_label("Recovered").check()
    page.get_by_label("Date found").fill("2021-06-01")
    page.get_by_label("City").fill("Las Cruces")
    page.get_by_role("button", name="Record outcome").click()
    # refused as a whole page, with the rule, and nothing typed is lost
    expect(page.locator("#id_status_error")).to_contain_text("no NCIC entry that was active")
    expect(page.get_by_label("Date found")).to_have_value("2021-06-01")
    expect(page.get_by_label("City")).to_have_value("Las Cruces")
    page.get_by_label("Located").check()
    page.get_by_label("Circumstance").select_option("with_relatives")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guadalupe Hernández Ortiz")
    expect(page.locator("#status-badge")).to_have_text("Located")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_badge_follows_the_outcome_without_a_reload(sign_in, site, named_child, viewport):
    page = sign_in("investigator")
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(f"{site}/children/{named_child.pk}/")
    expect(page.locator("#status-badge")).to_have_text("Outstanding")
    page.get_by_role("link", name="Record an outcome").click()
    panel = page.locator("#action-panel")
    panel.get_by_label("Recovered").check()
    panel.get_by_label("Date found").fill("2021-06-01")
    panel.get_by_role("button", name="Record outcome").click()
    error = panel.locator("#id_status_error")
    expect(error).to_be_in_viewport()
    panel.get_by_label("Located").check()
    panel.get_by_label("Circumstance").select_option("with_relatives")
    panel.get_by_role("button", name="Record outcome").click()
    expect(page.locator("#case")).to_contain_text("Outcome recorded.")
    expect(page.locator("#status-badge")).to_have_text("Located")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_dashboards_screening_count_leads_to_the_children_owed_it(
        sign_in, site, operation, named_child, cast, viewport):
    import datetime as dt

    from reunite.operations.services import record_outcome

    record_outcome(named_child, status="located", date=dt.date(2021, 6, 1),
                   circumstance="with_relatives", agency="LCPD", user=cast["investigator"])
    page = sign_in("coordinator")
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(f"{site}/ops/{operation.slug}/")
    expect(page.get_by_text("1 found child has not been screened yet.")).to_be_visible()
    page.get_by_role("link", name="See them").click()
    expect(page.get_by_label("Owed")).to_have_value("screening")
    expect(page.locator("#results")).to_contain_text("Guadalupe Hernández Ortiz")


def test_at_phone_width_no_page_is_wider_than_the_screen(sign_in, site, operation, named_child,
                                                        found_target_in_browser):
    page = sign_in("coordinator")
    page.set_viewport_size(PHONE)
    for path in (f"/ops/{operation.slug}/", f"/ops/{operation.slug}/children/",
                 f"/children/{named_child.pk}/", f"/children/{found_target_in_browser.pk}/",
                 f"/ops/{operation.slug}/report/", f"/ops/{operation.slug}/intake/"):
        page.goto(f"{site}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], path
        # the header leaves most of the screen to the page
        header = page.locator(".topbar").bounding_box()
        assert header["height"] <= 110, path
        # chart labels are drawn at 11 px or more, never shrunk
        sizes = page.evaluate(
            "[...document.querySelectorAll('svg text')].map(t => t.getBoundingClientRect().height)")
        assert all(size >= 11 for size in sizes), path


@pytest.fixture
def found_target_in_browser(make_target, cast):
    import datetime as dt

    from reunite.operations.services import record_outcome

    target = make_target(ncic="active", case=None, first_name="Paola")
    record_outcome(target, status="recovered", date=dt.date(2021, 6, 1),
                   circumstance="returned_to_guardian", agency="LCPD", user=cast["investigator"])
    return target


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_search_finds_a_misspelt_name_and_a_case_number(sign_in, site, operation, make_target,
                                                        viewport):
    from reunite.children.models import LocalCase
    from reunite.children.services import refresh_search_text

    ruben = make_target(first_name="Rubén", last_name="Arredondo", second_last_name="Olivas")
    refresh_search_text(ruben.child)
    chloe = make_target(first_name="Chloe", last_name="Collins", second_last_name="")
    refresh_search_text(chloe.child)
    LocalCase.objects.filter(child=chloe.child).update(case_number="DA20-20099")
    page = sign_in("investigator")
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(f"{site}/ops/{operation.slug}/children/")
    search = page.get_by_label("Search by name")
    for typed, expected, other in (("Ruben Aredondo", "Rubén Arredondo Olivas", "Chloe Collins"),
                                   ("DA20-20099", "Chloe Collins", "Rubén Arredondo"),
                                   ("Khloe Collins", "Chloe Collins", "Rubén Arredondo")):
        search.fill(typed)
        search.press("Enter")
        results = page.locator("#results")
        expect(results).to_contain_text(expected)
        expect(results).not_to_contain_text(other)


def test_the_circumstance_list_follows_the_outcome_chosen(sign_in, site, named_child):
    page = sign_in("investigator")
    page.goto(f"{site}/children/{named_child.pk}/")
    page.get_by_role("link", name="Record an outcome").click()
    panel = page.locator("#action-panel")
    circumstance = panel.get_by_label("Circumstance")
    panel.get_by_label("Located").check()
    expect(circumstance.locator("option[value=with_relatives]")).to_be_enabled()
    expect(circumstance.locator("option[value=placed_with_cyfd]")).to_be_disabled()
    panel.get_by_label("Recovered").check()
    expect(circumstance.locator("option[value=placed_with_cyfd]")).to_be_enabled()
    expect(circumstance.locator("option[value=with_relatives]")).to_be_disabled()
    expect(circumstance).not_to_have_value("with_relatives")


def test_htmx_swaps_break_no_content_security_rule(sign_in, site, operation, named_child):
    page = sign_in("investigator")
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(f"{site}/children/{named_child.pk}/")
    page.get_by_role("link", name="Record an outcome").click()
    expect(page.locator("#action-panel form")).to_be_visible()
    page.goto(f"{site}/ops/{operation.slug}/children/")
    page.get_by_label("Search by name").fill("Guadalupe")
    page.get_by_label("Search by name").press("Enter")
    expect(page.locator("#results")).to_contain_text("Guadalupe Hernández Ortiz")
    assert not [m for m in messages if "Content Security Policy" in m]
