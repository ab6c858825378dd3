"""The results report's numbers on the seeded Operation Rescue Me: what the press release says."""

import datetime as dt

import pytest
from django.utils import timezone

from reunite.reports.compute import build_report

pytestmark = pytest.mark.django_db


def test_the_report_says_what_the_press_release_said(rescue_me):
    # given the operation replayed child by child
    # when the coordinator builds the report
    report = build_report(rescue_me.operation)

    # then the figures are the press release's
    assert (report["baseline"], report["recovered"], report["located"], report["outstanding"]) \
        == (80, 3, 75, 2)
    assert report["found"] == 78
    assert report["headline"] == "Recovery and/or location of 78 missing minors"
    assert (report["age_min"], report["age_max"]) == (5, 18)
    assert report["found_abroad"] == 1 and report["found_abroad_countries"] == ["Mexico"]
    assert report["investigations"] == {"child_sexual_abuse": 2, "human_trafficking": 1}
    assert report["investigations_by_lead"] == {"HSI Deming": 1, "HSI Las Cruces": 2}
    assert report["ongoing"] is True and report["ended"] is None
    assert report["started"] == "2021-05-01"
    assert report["days_elapsed"] == (timezone.localdate() - dt.date(2021, 5, 1)).days
    assert [a["code"] for a in report["operation"]["lead_agencies"]] == ["HSI", "USMS"]
    assert "CYFD" in [a["code"] for a in report["operation"]["participating_agencies"]]


def test_children_added_after_the_baseline_are_counted_apart(rescue_me):
    report = build_report(rescue_me.operation)

    assert report["added"] == 2 and report["listed"] == 82
    assert report["added_results"] == {
        "outstanding": 1, "recovered": 0, "located": 1, "found": 1
    }
    # The headline stays the baseline list's: 3 + 75 + 2 = 80.
    assert report["recovered"] + report["located"] + report["outstanding"] == report["baseline"]


def test_services_screenings_and_follow_ups_are_counted_per_child(rescue_me):
    report = build_report(rescue_me.operation)

    assert report["services_offered"] == 78
    assert report["services_accepted"] == 26  # every third child found accepted
    assert report["found_not_offered_services"] == 1  # the child added later and found
    assert report["screenings"] == {"done": 5, "of_concern": 1, "owed_not_done": 74}
    assert report["pending_follow_ups"] == {"ncic_removal": 1, "local_case_closure": 6}


def test_the_curve_of_finds_ends_at_the_number_found(rescue_me):
    report = build_report(rescue_me.operation)
    timeline = report["timeline"]

    assert timeline[-1]["found"] == 78
    assert (timeline[-1]["recovered"], timeline[-1]["located"]) == (3, 75)
    assert timeline[-1]["added_found"] == 1
    assert [p["found"] for p in timeline] == sorted(p["found"] for p in timeline)
    assert timeline[0]["date"] >= "2021-05-01" and timeline[-1]["date"] <= "2021-07-26"


def test_ages_are_counted_per_year_on_the_start_date(rescue_me):
    report = build_report(rescue_me.operation)

    ages = {row["age"]: row["count"] for row in report["age_distribution"]}
    assert sorted(ages) == list(range(5, 19))
    assert sum(ages.values()) == 82 and report["age_unknown"] == 0


def test_the_reports_queries_do_not_grow_with_the_list(
    rescue_me, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        build_report(rescue_me.operation, public=True)
    with django_assert_max_num_queries(20):
        build_report(rescue_me.operation)
