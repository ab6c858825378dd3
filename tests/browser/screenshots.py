"""Screenshots of the main pages at desktop and phone width, for docs/screenshots/.

Run against a server holding the demo data (`make demo`, or `reunite demo` then `reunite serve`):

    .venv/bin/python tests/browser/screenshots.py --base http://127.0.0.1:8000 \
        --password mesilla-valley-2021

It drives Debian's Chromium (never a downloaded browser) and writes PNG files named
`<page>-desktop.png` and `<page>-phone.png`.
"""

import argparse
import csv
import io
import re
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name=re.compile("Continue|Continuar")).click()
    page.wait_for_load_state("networkidle")


def list_file(folder: Path, size: str) -> Path:
    """Rows close to children already known (the review queue gets a pair) and bad rows."""
    stamp = time.strftime("%H%M%S") + size[0].upper()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["record_id", "first_name", "last_name", "second_last_name", "dob", "sex"])
    writer.writerow([f"SHOT-{stamp}-1", "Rubén", "Arredondo", "", "2005-05-11", "M"])
    writer.writerow([f"SHOT-{stamp}-2", "Natalia", "Adame", "", "2004-11-01", "F"])
    writer.writerow([f"SHOT-{stamp}-3", "Ana", "Armendariz", "", "2006-01-04", "F"])
    writer.writerow([f"SHOT-{stamp}-7", "Marcos", "Avila", "Garcia", "2011-01-19", "F"])
    writer.writerow([f"SHOT-{stamp}-8", "T", "Aguilar", "", "2004-12-11", "M"])
    # Day and month read the other way round, a letter more in the name: a person decides.
    writer.writerow([f"SHOT-{stamp}-9", "Natalie", "Adame", "", "2004-11-10", "F"])
    writer.writerow([f"SHOT-{stamp}-4", "Ximena", "Carrillo", "", "2009-02-30", "F"])
    writer.writerow([f"SHOT-{stamp}-5", "", "", "", "2008-01-01", "F"])
    writer.writerow([f"SHOT-{stamp}-6", "Iker", "Montoya", "", "2010-05-05", "Q"])
    path = folder / size / "daso-field-office-list.csv"
    path.parent.mkdir()
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def shoot(page: Page, name: str, size: str, *, whole: bool | None = None) -> None:
    """Desktop shots show the whole page; phone shots what the screen shows."""
    page.wait_for_load_state("networkidle")
    full = size == "desktop" if whole is None else whole
    page.screenshot(path=str(OUT / f"{name}-{size}.png"), full_page=full)


def operation_slug(page: Page, base: str) -> str:
    page.goto(f"{base}/")
    return page.url.rstrip("/").split("/ops/")[1].split("/")[0]


def take(base: str, password: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, locale="en-US")
            page = context.new_page()
            sign_in(page, base, "coordinator", password)
            slug = operation_slug(page, base)
            shoot(page, "dashboard", size)
            page.goto(f"{base}/ops/{slug}/children/")
            shoot(page, "list", size)
            page.goto(f"{base}/ops/{slug}/children/?status=outstanding")
            rows = page.locator(".list-table tbody tr")
            with_case = [i for i in range(rows.count())
                         if rows.nth(i).locator("td").nth(4).inner_text().strip()]
            rows.nth(with_case[0] if with_case else 0).locator(".name a").click()
            shoot(page, "child", size)
            page.get_by_role("link", name="Record an outcome").click()
            page.wait_for_selector("#action-panel form")
            refused = page.locator("#action-panel .rule.refused").first
            status = "recovered" if refused.count() and "NCIC" in refused.inner_text() \
                else "located"
            page.check(f"#status-{status}")
            page.get_by_role("button", name="Record outcome").click()
            page.wait_for_selector("#action-panel .error")
            page.locator("#action-panel").scroll_into_view_if_needed()
            shoot(page, "outcome-refused", size)
            page.goto(f"{base}/ops/{slug}/intake/")
            page.set_input_files("#id_file", str(list_file(Path(tmp), size)))
            page.select_option("#id_agency", "DASO")
            page.get_by_role("button", name="Preview").click()  # nothing is written before
            page.get_by_role("button", name=re.compile(r"^Import \d+ rows?$")).click()
            page.wait_for_selector("#rejects-h")
            shoot(page, "intake-rejects", size)
            page.goto(f"{base}/ops/{slug}/review/")
            shoot(page, "review", size)
            page.goto(f"{base}/ops/{slug}/report/")
            shoot(page, "report", size)
            context.close()
        # Spanish, as the demo's caseworker reads it (her account is set to Spanish).
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, locale="es-MX")
            page = context.new_page()
            sign_in(page, base, "caseworker", password)
            shoot(page, "dashboard-es", size)
            page.goto(f"{base}/ops/{slug}/children/?status=recovered")
            page.locator(".list-table .name a").first.click()
            shoot(page, "child-es", size)
            context.close()
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--password", required=True)
    arguments = parser.parse_args()
    take(arguments.base.rstrip("/"), arguments.password)
