"""Small-cell suppression: public breakdowns never show a group smaller than the operation's
threshold; the headline counts the agencies release stay exact."""

import pytest

from reunite.accounts.models import User
from reunite.agencies.models import Agency
from reunite.reports.compute import build_report
from reunite.reports.render import render
from reunite.reports.suppression import age_bands, suppress_cells

pytestmark = pytest.mark.django_db
BREAKDOWNS = ("sex_distribution", "investigations", "investigations_by_lead")


def _small_cells(report: dict, threshold: int) -> list:
    found = [(k, v) for key in BREAKDOWNS for k, v in report[key].items()
             if v is not None and 0 < v < threshold]
    found += [r for r in report["age_distribution"]
              if r["count"] is not None and 0 < r["count"] < threshold]
    found += [r for r in report["investigations_by_type_and_lead"]
              if r["count"] is not None and 0 < r["count"] < threshold]
    found += [(t, v) for t, v in report["services_by_type"].items()
              if any(n is not None and 0 < n < threshold for n in v.values())]
    if report["age_unknown"] is not None and 0 < report["age_unknown"] < threshold:
        found.append(("age_unknown", report["age_unknown"]))
    return found


def test_ages_are_grouped_into_bands_of_at_least_the_threshold():
    distribution = [{"age": a, "count": n} for a, n in
                    [(5, 1), (6, 0), (7, 3), (8, 5), (9, 2), (10, 9), (11, 1)]]
    bands, unknown, hidden = age_bands(distribution, 0, 5)
    assert [(b["label"], b["count"]) for b in bands] == [("5–8", 9), ("9–11", 12)]
    assert hidden == [] and unknown == 0


def test_a_lone_hidden_group_hides_another_so_it_cannot_be_subtracted():
    shown, hidden = suppress_cells({"F": 40, "M": 38, "X": 2}, 5)
    assert shown == {"F": 40, "M": None, "X": None} and set(hidden) == {"M", "X"}
    assert suppress_cells({"F": 40, "M": 0}, 5) == ({"F": 40, "M": 0}, [])


def test_the_public_report_shows_no_small_cell_and_keeps_the_headline_exact(rescue_me):
    full = build_report(rescue_me.operation)
    public = build_report(rescue_me.operation, public=True)
    assert _small_cells(full, 5), "the full report has small groups to begin with"
    assert _small_cells(public, 5) == []
    assert (public["recovered"], public["located"], public["outstanding"],
            public["found_abroad"]) == (3, 75, 2, 1)
    assert public["min_cell"] == 5 and public["suppressed"]
    assert sum(b["count"] for b in public["age_distribution"] if b["count"]) <= public["listed"]
    text = render(public, "md")
    assert "fewer than 5" in text.lower()


def test_the_threshold_is_set_per_operation(rescue_me):
    operation = rescue_me.operation
    operation.public_min_cell = 20
    operation.save(update_fields=["public_min_cell"])
    try:
        public = build_report(operation, public=True)
    finally:
        operation.public_min_cell = 5
        operation.save(update_fields=["public_min_cell"])
    assert _small_cells(public, 20) == []
    assert all(b["count"] is None or b["count"] >= 20 for b in public["age_distribution"])


def test_the_public_report_through_the_api_lists_what_was_hidden(rescue_me, client):
    pio = User.objects.create_user(username="pio-report", password="x" * 12, role="pio",
                                   agency=Agency.objects.get(code="HSI"))
    client.force_login(pio)
    body = client.get(f"/api/v1/operations/{rescue_me.operation.pk}/report?public=1").json()
    assert body["min_cell"] == 5
    assert "found_abroad_countries" in body["suppressed"]
    assert body["found_abroad"] == 1
