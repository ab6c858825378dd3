"""The report as the public-information officer and the coordinator receive it: the public
version carries aggregates only, in every format; the full version carries the figures and who
still needs work."""

import datetime as dt
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from reunite.core.errors import DomainError
from reunite.reports.compute import build_report
from reunite.reports.render import render, render_report_fragment, report_styles

from .conftest import LAST_NAMES

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    """The PDF's text: poppler's pdftotext when installed (fast), else pypdf (pure Python)."""
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
        return done.stdout.decode("utf-8")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def as_text(content: bytes | str) -> str:
    """What a reader sees, with line breaks folded (a PDF wraps a name over two lines)."""
    if isinstance(content, bytes):
        content = pdf_text(content)
    return " ".join(content.split())


def leaks(text: str, scenario) -> list[str]:
    """Every piece of a child's personal data found in the text."""
    found = [name for name in scenario.names if name in text]
    found += [last for last in LAST_NAMES if last in text]
    for dob in scenario.dobs:
        found += [d for d in (dob.isoformat(), f"{dob:%m/%d/%Y}", f"{dob:%B} {dob.day}, {dob.year}")
                  if d in text]
    found += [i for i in scenario.identifiers if i in text]
    found += [city for city in scenario.cities if city in text]
    return found


def keys(value) -> set[str]:
    """Every key anywhere in a JSON document."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


@pytest.fixture(scope="module")
def public_outputs(rescue_me, django_db_blocker):
    with django_db_blocker.unblock():
        report = build_report(rescue_me.operation, public=True)
    return {fmt: as_text(render(report, fmt)) for fmt in ("json", "md", "html", "pdf")}


@pytest.mark.parametrize("fmt", ["json", "md", "html", "pdf"])
def test_the_public_report_names_no_child_and_no_place_below_a_county(
    rescue_me, public_outputs, fmt
):
    text = public_outputs[fmt]

    assert leaks(text, rescue_me) == []
    # and it still says what the press release said
    for figure in ("Recovery and/or location of 78 missing minors", "Three minors were recovered",
                   "75 minors were located", "Two minors remain outstanding", "5 to 18",
                   "Mexico", "HSI Deming"):
        if fmt == "json":
            figure = {"Three minors were recovered": '"recovered": 3',
                      "75 minors were located": '"located": 75',
                      "Two minors remain outstanding": '"outstanding": 2',
                      "5 to 18": '"age_min": 5'}.get(figure, figure)
        assert figure in text, figure


def test_the_public_json_has_no_per_child_rows_and_no_exact_dates(rescue_me):
    report = build_report(rescue_me.operation, public=True)

    assert keys(report).isdisjoint({
        "details", "target_id", "dob", "city", "nic", "case_number", "reference",
        "last_found_on", "investigations_by_suspect_relationship", "baseline_frozen_at",
    })
    # finds are counted by week: every point is a week's end (or the report's date)
    start, as_of = dt.date(2021, 5, 1), dt.date.fromisoformat(report["as_of"])
    for point in report["timeline"]:
        day = dt.date.fromisoformat(point["date"])
        assert (day - start).days % 7 == 6 or day == as_of
    assert report["timeline_granularity"] == "week"
    assert report["timeline"][-1]["found"] == 78


def test_the_full_report_lists_who_still_needs_work(rescue_me):
    report = build_report(rescue_me.operation)
    details = report["details"]

    assert sorted(row["target_id"] for row in details["outstanding"]) == sorted(
        t.pk for t in rescue_me.outstanding + rescue_me.added[1:]
    )
    assert [row["country"] for row in details["found_abroad"]] == ["Mexico"]
    assert details["found_abroad"][0]["city"] == "Ciudad Juárez"
    kinds = [row["kind"] for row in details["pending_follow_ups"]]
    assert kinds.count("ncic_removal") == 1 and kinds.count("local_case_closure") == 6
    assert report["investigations_by_suspect_relationship"] == {
        "family_friend": 1, "relative": 1, "unknown": 1
    }


def test_the_full_pdf_carries_the_figures_and_the_outstanding_children(rescue_me):
    report = build_report(rescue_me.operation)

    text = as_text(render(report, "pdf"))

    for figure in ("Recovery and/or location of 78 missing minors", "Three minors were recovered",
                   "75 minors were located", "Two minors remain outstanding",
                   "ranged in age from 5 to 18", "Restricted: not for release"):
        assert figure in text, figure
    for target in rescue_me.outstanding:
        assert target.child.full_name in text


def test_the_markdown_reads_like_the_press_release(rescue_me):
    markdown = render(build_report(rescue_me.operation, public=True), "md")

    assert "As a result of the operation:\n\n- Three minors were recovered\n" \
        "- 75 minors were located\n- Two minors remain outstanding\n" in markdown
    # The headline counts are exact; the breakdowns by place and agency hide groups under 5.
    assert "One minor was found outside the United States." in markdown
    assert "in Mexico" not in markdown
    assert "Fewer than 5 investigations were initiated for child sexual abuse, led by HSI " \
        "Las Cruces." in markdown
    assert "The operation, which began in May with a list of 80 minors, is ongoing." in markdown

    full = render(build_report(rescue_me.operation), "md")
    assert "One minor was found outside the United States, in Mexico." in full
    assert "Two investigations were initiated for child sexual abuse, led by HSI Las Cruces." \
        in full
    assert "One investigation was initiated for human trafficking, led by HSI Deming." in full


def test_the_html_is_a_self_contained_page_with_two_charts(rescue_me):
    report = build_report(rescue_me.operation, public=True)

    page = render(report, "html")
    fragment = render_report_fragment(report)

    assert page.startswith("<!DOCTYPE html>") and "DejaVu Sans" in page
    assert not re.search(r"<(link|script)\b", page)  # nothing fetched from elsewhere
    assert not re.search(r"<(html|head|body)\b", fragment)
    charts = re.findall(r"<svg\b.*?</svg>", fragment, flags=re.S)
    assert len(charts) == 2
    titles = [ET.fromstring(svg).find("{http://www.w3.org/2000/svg}title").text for svg in charts]
    assert titles[0].startswith("Children found over time")
    assert titles[1] == "Children on the list by age"


def test_an_unknown_format_is_refused(rescue_me):
    with pytest.raises(DomainError) as caught:
        render(build_report(rescue_me.operation), "docx")
    assert caught.value.code == "invalid_format" and caught.value.field == "format"


def test_the_fragment_can_carry_its_styles_under_a_csp_nonce(rescue_me):
    report = build_report(rescue_me.operation, public=True)

    assert '<style nonce="abc123">' in render_report_fragment(report, nonce="abc123")
    assert "<style" not in render_report_fragment(report, styles=False)
    assert report_styles().startswith(".reunite-report")


def test_every_page_of_the_full_pdf_and_the_markdown_say_restricted(rescue_me):
    report = build_report(rescue_me.operation)

    pages = PdfReader(io.BytesIO(render(report, "pdf"))).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert "Restricted: not for release" in page.extract_text(), number
    markdown = render(report, "md")
    assert markdown.count("**Restricted: not for release**") == 2
    assert "Restricted" not in render(build_report(rescue_me.operation, public=True), "md")


def test_counts_standing_alone_read_as_words():
    from reunite.reports.render import _number

    assert [_number(n) for n in (0, 1, 2, 9, 12)] == ["none", "one", "two", "nine", "12"]
