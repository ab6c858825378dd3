"""Compliance clocks to the hour: the moments come from intake, the page and the API; the board
shows hours left or overdue; nothing is inferred from dates."""

import datetime as dt

import pytest
from django.utils import timezone

from reunite.children.models import LocalCase, NCICEntry, NCMECReport
from reunite.intake.services import run_intake
from reunite.operations import compliance
from reunite.operations.models import Target
from tests.api.helpers import refusal
from tests.conftest import write_csv

pytestmark = pytest.mark.django_db


def _at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def test_intake_records_the_three_moments(operation, agencies, tmp_path):
    data = write_csv(tmp_path / "lcpd.csv", [
        "record_id", "first_name", "last_name", "local_agency", "local_case_number",
        "ncic_nic", "custody", "reported_at", "ncic_entered_at", "ncmec_reported_at",
    ], [["L-1", "Rosa", "Baca", "LCPD", "21-0001", "M123456789", "cyfd",
         "04/20/2021 2:30 PM", "2021-04-20 17:05", "2021-04-21T09:00-06:00"]])
    batch = run_intake(operation, agencies["LCPD"], data, file_name="lcpd.csv")
    assert batch.rejected == []
    case = LocalCase.objects.get(case_number="21-0001")
    assert timezone.localtime(case.reported_at) == _at("2021-04-20 14:30")
    entry = NCICEntry.objects.get(nic="M123456789")
    assert timezone.localtime(entry.entered_at) == _at("2021-04-20 17:05")
    report = NCMECReport.objects.get(child=case.child)
    assert report.reported_at == dt.datetime(2021, 4, 21, 15, 0, tzinfo=dt.UTC)


def test_a_moment_without_a_time_of_day_is_refused_with_the_reason(operation, agencies,
                                                                   tmp_path):
    data = write_csv(tmp_path / "x.csv", ["record_id", "first_name", "reported_at"],
                     [["X-1", "Rosa", "2021-04-20"]])
    batch = run_intake(operation, agencies["LCPD"], data, file_name="x.csv")
    assert batch.rejected[0]["field"] == "reported_at"
    assert "no time of day" in batch.rejected[0]["reason"]


def test_the_ncic_clock_counts_hours_from_the_report(make_target):
    now = timezone.now()
    overdue = make_target(ncic=None)
    overdue.child.local_cases.update(reported_at=now - dt.timedelta(hours=5))
    running = make_target(ncic=None)
    running.child.local_cases.update(reported_at=now - dt.timedelta(minutes=30))
    unknown = make_target(ncic=None)  # no moment of report: no clock, counted as such
    late = make_target(ncic="active")
    late.child.local_cases.update(reported_at=now - dt.timedelta(hours=10))
    late.child.ncic_entries.update(entered_at=now - dt.timedelta(hours=6))
    on_time = make_target(ncic="active")
    on_time.child.local_cases.update(reported_at=now - dt.timedelta(hours=10))
    on_time.child.ncic_entries.update(entered_at=now - dt.timedelta(hours=9))

    board = compliance.ncic_clocks(Target.objects.listed(), now)
    assert (board.running_count, board.overdue, board.late) == (2, 1, 1)
    assert board.no_report_moment == 1 and unknown.pk not in [c.target.pk for c in board.running]
    first, second = board.running
    assert first.target == overdue and first.minutes_left(now) == -180
    assert second.target == running and second.minutes_left(now) == 90


def test_only_a_recorded_ncmec_report_stops_the_foster_care_clock(make_target, api, cast):
    now = timezone.now()
    target = make_target()
    target.child.custody = "cyfd"
    target.child.save()
    target.child.local_cases.update(reported_at=now - dt.timedelta(hours=30))
    board = compliance.ncmec_clocks(Target.objects.listed(), now)
    assert board.overdue == 1 and board.running[0].minutes_left(now) == -6 * 60

    moment = (now - dt.timedelta(hours=2)).isoformat()
    response = api("caseworker").post(f"/api/v1/targets/{target.pk}/clocks",
                                      {"ncmec_reported_at": moment,
                                       "ncmec_case_number": "1412345"}, format="json")
    assert response.status_code == 201, response.content
    board = compliance.ncmec_clocks(Target.objects.listed(), now)
    assert (board.running_count, board.late) == (0, 1)
    detail = api("caseworker").get(f"/api/v1/targets/{target.pk}").json()
    assert detail["ncmec_reports"][0]["case_number"] == "1412345"


def test_the_api_records_the_report_and_entry_moments(make_target, api):
    target = make_target()
    response = api("investigator").post(
        f"/api/v1/targets/{target.pk}/clocks",
        {"reported_at": "2021-04-20T14:30", "ncic_entered_at": "2021-04-20T15:10"},
        format="json")
    assert response.status_code == 201, response.content
    detail = api("investigator").get(f"/api/v1/targets/{target.pk}").json()
    assert detail["local_cases"][0]["reported_at"].startswith("2021-04-20T14:30")
    assert detail["ncic_entries"][0]["entered_at"].startswith("2021-04-20T15:10")
    refusal(api("investigator").post(f"/api/v1/targets/{target.pk}/clocks",
                                     {"reported_at": "2021-04-20"}, format="json"),
            400, "invalid_moment", "reported_at")
    refusal(api("auditor").post(f"/api/v1/targets/{target.pk}/clocks",
                                {"reported_at": "2021-04-20T14:30"}, format="json"),
            403, "forbidden")


def test_the_page_form_records_the_moments(client, cast, make_target):
    target = make_target()
    client.force_login(cast["investigator"])
    response = client.post(f"/children/{target.pk}/clocks/",
                           {"reported_at": "2021-04-20T14:30"})
    assert response.status_code == 302
    case = target.child.local_cases.get()
    assert timezone.localtime(case.reported_at) == _at("2021-04-20 14:30")
    page = client.get(f"/children/{target.pk}/").content.decode()
    assert "Report times (compliance clocks)" in page
