"""Exports: XLSX beside CSV and PFIF, the web list in the intake format (so it goes back in
unchanged), PFIF with expiry dates, a note per change of status, and expired placeholders."""

import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from reunite.children.models import Child, MatchReview, SourceRecord
from reunite.intake.exporters import HEADER
from reunite.intake.services import run_intake
from reunite.operations.models import Target
from reunite.retention.models import RetentionPolicy

pytestmark = pytest.mark.django_db
PFIF = "{http://zesty.ca/pfif/1.4}"


@pytest.fixture
def listed(make_target):
    first = make_target(first_name="Guadalupe")
    first.child.marks = "=HYPERLINK(\"http://x\")"  # typed by an agency: never run as a formula
    first.child.aliases = ["Lupita"]
    first.child.save()
    first.child.local_cases.update(
        reported_at=timezone.make_aware(dt.datetime(2021, 4, 20, 14, 30)),
        date_last_contact=dt.date(2021, 4, 19), last_seen_city="Las Cruces")
    return [first, make_target(first_name="Yesenia", last_name="Sosa", ncic=None,
                               dob=dt.date(2009, 8, 2))]


def _snapshot():
    children = list(Child.objects.order_by("pk").values(
        "pk", "first_name", "last_name", "second_last_name", "dob", "sex", "aliases", "marks",
        "custody", "merged_into"))
    targets = list(Target.objects.order_by("pk").values("pk", "child", "status", "active"))
    return children, targets, MatchReview.objects.count()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_web_list_export_goes_back_in_and_changes_nothing(as_user, operation, agencies,
                                                              listed, fmt):
    client = as_user("coordinator")
    response = client.get(f"/ops/{operation.slug}/children/export.{fmt}")
    assert response.status_code == 200
    before = _snapshot()
    batch = run_intake(operation, agencies["HSI"], response.content,
                       file_name=f"export.{fmt}", fmt=fmt)
    assert batch.rejected == []
    assert (batch.rows, batch.new_children, batch.review) == (2, 0, 0)
    assert _snapshot() == before
    assert SourceRecord.objects.filter(batch=batch).count() == 2  # what was sent is kept


def test_xlsx_export_keeps_every_value_as_text(api, operation, listed, tmp_path):
    path = tmp_path / "list.xlsx"
    call_command("export", operation.slug, "--format", "xlsx", "-o", str(path))
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["marks"] == "=HYPERLINK(\"http://x\")"
    assert all(cell.data_type == "s" for cell in sheet[2] if cell.value is not None)
    assert first["reported_at"] == "2021-04-20T14:30-06:00"
    assert first["date_last_contact"] == "2021-04-19"

    response = api("coordinator").get(f"/api/v1/operations/{operation.pk}/export",
                                      {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 3


def _people(operation, **kwargs):
    out = io.StringIO()
    call_command("export", operation.slug, "--format", "pfif", stdout=out, **kwargs)
    return ET.fromstring(out.getvalue().encode()).findall(f"{PFIF}person")


def test_pfif_carries_the_expiry_date_and_a_note_per_change_of_status(operation, found_target):
    operation.end_date = dt.date.today() - dt.timedelta(days=10)
    operation.save()
    RetentionPolicy.objects.create(operation=operation, children_days=365)
    person = _people(operation)[0]
    expiry = (operation.end_date + dt.timedelta(days=365)).isoformat()
    assert person.find(f"{PFIF}expiry_date").text.startswith(expiry)
    notes = person.findall(f"{PFIF}note")
    assert [n.find(f"{PFIF}status").text for n in notes] == ["believed_missing",
                                                             "believed_alive"]
    assert "Recovered on 2021-06-01" in notes[1].find(f"{PFIF}text").text
    assert len({n.find(f"{PFIF}note_record_id").text for n in notes}) == 2


def test_an_expired_record_goes_out_as_a_placeholder(operation, found_target):
    operation.end_date = dt.date(2021, 7, 15)
    operation.save()
    RetentionPolicy.objects.create(operation=operation, children_days=30)
    person = _people(operation)[0]
    tags = [child.tag.removeprefix(PFIF) for child in person]
    assert tags == ["person_record_id", "entry_date", "expiry_date", "source_date"]
    assert person.find(f"{PFIF}expiry_date").text.startswith("2021-08-14")


def test_an_ongoing_operation_has_no_expiry(operation, found_target):
    person = _people(operation)[0]
    assert person.find(f"{PFIF}expiry_date") is None
    assert person.find(f"{PFIF}full_name") is not None
