"""A task force's day in the browser: sign in, find a child, record an outcome, bring in a list,
read it in Spanish."""

import csv
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_sign_in_and_find_a_child_by_a_misspelt_name(sign_in, site, named_child, make_target):
    make_target(first_name="Rosa", last_name="Ortega")
    page = sign_in("investigator")
    page.get_by_role("link", name="Children", exact=True).click()
    page.get_by_label("Search by name").fill("Guadalupa Hernandex")
    page.get_by_label("Search by name").press("Enter")
    results = page.locator("#results")
    expect(results).to_contain_text("closest spellings")
    expect(results).to_contain_text("Guadalupe Hernández Ortiz")
    expect(results).not_to_contain_text("Rosa Ortega")
    results.get_by_role("link", name="Guadalupe Hernández Ortiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guadalupe Hernández Ortiz")


def test_an_outcome_refused_with_the_rule_then_accepted(sign_in, site, named_child):
    page = sign_in("investigator")
    page.goto(f"{site}/children/{named_child.pk}/")
    page.get_by_role("link", name="Record an outcome").click()
    panel = page.locator("#action-panel")
    expect(panel).to_contain_text("Not allowed for this child. No active NCIC entry.")
    # refused: "recovered" needs an NCIC entry that was active
    panel.get_by_label("Recovered").check()
    panel.get_by_label("Date found").fill("2021-06-01")
    panel.get_by_role("button", name="Record outcome").click()
    error = panel.locator("#id_status_error")
    expect(error).to_contain_text("no NCIC entry that was active on 2021-06-01")
    # accepted: "located" with an open local case
    panel.get_by_label("Located").check()
    panel.get_by_label("Circumstance").select_option("with_relatives")
    panel.get_by_label("Date found").fill("2021-06-01")
    panel.get_by_role("button", name="Record outcome").click()
    expect(page.locator("#case")).to_contain_text("Outcome recorded.")
    expect(page.locator("#case")).to_contain_text("Close local case")
    named_child.refresh_from_db()
    assert named_child.status == "located"


def test_upload_a_file_with_bad_rows_and_get_the_rejects_back(sign_in, site, operation,
                                                              tmp_path):
    path = tmp_path / "lcpd-list.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "first_name", "last_name", "dob", "sex"])
        writer.writerow(["L-1", "Ximena", "Carrillo", "2009-04-02", "F"])
        writer.writerow(["L-2", "Iker", "Montoya", "2009-02-30", "M"])
        writer.writerow(["L-3", "Sofía", "Reyes", "2010-01-01", "Q"])
    page = sign_in("analyst")
    page.get_by_role("link", name="Intake", exact=True).click()
    page.get_by_label("List file").set_input_files(str(path))
    page.get_by_label("Sent by agency").select_option("LCPD")
    page.get_by_role("button", name="Preview").click()
    result = page.locator("#intake-result")
    expect(result).to_contain_text("Nothing has been written yet")
    expect(result).to_contain_text("not a real calendar date")
    result.get_by_role("button", name="Import 1 row").click()
    # The import runs the linkage engine: on a loaded machine it takes more than a few seconds.
    expect(result).to_contain_text("Result for lcpd-list.csv", timeout=60_000)
    expect(result).to_contain_text("is not a known sex")
    expect(page.locator("#recent-imports")).to_contain_text("lcpd-list.csv")
    with page.expect_download() as download:
        result.get_by_role("link", name=re.compile("Download the rejected rows")).click()
    rejects = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert len(rejects) == 3 and rejects[1].startswith("L-2,Iker,Montoya")


def test_switch_to_spanish(sign_in, site, cast):
    page = sign_in("coordinator")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("link", name="Panel")).to_be_visible()
    expect(page.get_by_role("heading", name="Cifras principales")).to_be_attached()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    cast["coordinator"].refresh_from_db()
    assert cast["coordinator"].language == "es"


def test_the_skip_link_is_the_first_stop_for_keyboard_users(sign_in, site):
    page = sign_in("coordinator")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_list_is_usable_at_phone_width(sign_in, site, named_child):
    page = sign_in("investigator")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{site}/ops/{named_child.operation.slug}/children/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    expect(page.get_by_role("link", name="Guadalupe Hernández Ortiz")).to_be_visible()
