"""Lists in (intake) and out (CSV and PFIF 1.4 exports), through the API and the command."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from reunite.access.policy import NEED_TO_KNOW, ROLE_CAPS, Cap, Restricted, may_see
from reunite.audit.models import AuditEvent
from reunite.intake.fields import COLUMNS, canonical_header
from reunite.intake.services import check_rows
from reunite.operations.models import Target
from tests.api.helpers import ROLES, refusal, role_with, role_without
from tests.conftest import write_csv

PFIF = "http://zesty.ca/pfif/1.4"
HEADER = ["record_id", "first_name", "last_name", "dob", "sex", "ncic_nic", "local_case_number"]


def upload(api, role, operation, path, source="LCPD", **extra):
    with open(path, "rb") as handle:
        return api(role).post(f"/api/v1/operations/{operation.pk}/intake",
                              {"file": handle, "source": source, **extra}, format="multipart")


def test_intake_through_the_api_takes_the_good_rows_and_names_the_bad_one(
    api, operation, tmp_path
):
    path = tmp_path / "lcpd.csv"
    write_csv(path, HEADER, [
        ["LC-1", "Guadalupe", "Hernández", "2006-03-14", "F", "M000000101", ""],
        ["LC-2", "Itzel", "Domínguez", "13/45/2009", "F", "", "21-00002"],
        ["LC-3", "Brenda", "Ruiz", "07/04/2008", "F", "", "21-00003"],
    ])
    role = role_with(Cap.INTAKE)

    response = upload(api, role, operation, path, date_order="mdy")

    assert response.status_code == 201, response.content
    summary = response.json()
    assert summary["rows"] == 3 and summary["new_children"] == 2
    assert summary["rejected"] == [
        {"row": 3, "record_id": "LC-2", "field": "dob", "reason": summary["rejected"][0]["reason"]}
    ]
    assert Target.objects.filter(operation=operation).count() == 2
    event = AuditEvent.objects.filter(action="intake.import").latest("id")
    assert event.actor_username == role

    again = upload(api, role, operation, path, date_order="mdy")

    assert again.status_code == 200 and again.json()["unchanged"] == 2
    assert Target.objects.filter(operation=operation).count() == 2


def test_intake_is_refused_by_role_file_and_source(api, operation, tmp_path):
    path = tmp_path / "lcpd.csv"
    write_csv(path, HEADER, [["LC-1", "Ana", "Ruiz", "", "F", "", ""]])
    refusal(upload(api, role_without(Cap.INTAKE), operation, path), 403, "forbidden")
    refusal(upload(api, role_with(Cap.INTAKE), operation, path, source="FBI"), 400,
            "unknown_agency", "source")
    refusal(upload(api, role_with(Cap.INTAKE), operation, path, format="docx"), 400,
            "invalid_format", "format")
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x00\x01\x02")
    refusal(upload(api, role_with(Cap.INTAKE), operation, binary), 400, "upload_type", "file")
    response = api(role_with(Cap.INTAKE)).post(
        f"/api/v1/operations/{operation.pk}/intake", {"source": "LCPD"}, format="multipart")
    refusal(response, 400, "required", "file")


def test_intake_refuses_a_file_over_the_limit(api, operation, tmp_path, settings):
    settings.REUNITE_MAX_UPLOAD_BYTES = 10
    path = tmp_path / "lcpd.csv"
    write_csv(path, HEADER, [["LC-1", "Ana", "Ruiz", "", "F", "", ""]])
    refusal(upload(api, role_with(Cap.INTAKE), operation, path), 413, "upload_too_large", "file")


# ---------------------------------------------------------------------------------------------
# Exports


@pytest.fixture
def listed(make_target):
    first = make_target(first_name="Guadalupe")
    child = first.child
    child.aliases, child.custody, child.guardian_name = ["Lupita"], "cyfd", "CYFD Las Cruces"
    child.risk_factors = ["prior_runaway", "trafficking_indicators"]
    child.save()
    return [first, make_target(first_name="Yesenia", ncic=None)]


def export(api, role, operation, fmt):
    return api(role).get(f"/api/v1/operations/{operation.pk}/export", {"format": fmt})


def test_csv_export_reads_back_through_the_intake_format(api, operation, listed, agencies):
    response = export(api, role_with(Cap.EXPORT), operation, "csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [canonical_header(h) for h in rows[0]][: len(COLUMNS)] == COLUMNS
    good, rejected = check_rows(enumerate(rows, start=2), set(agencies))
    assert rejected == []
    assert [g.record["first_name"] for g in good] == ["Guadalupe", "Yesenia"]
    assert good[0].record["aliases"] == ["Lupita"]
    assert good[0].record["local_agency"] == "LCPD" and good[0].record["ncic_status"] == "active"
    assert rows[0]["list_status"] == "outstanding"
    event = AuditEvent.objects.filter(action="export").latest("id")
    assert event.changes["format"] == "csv" and event.changes["rows"] == 2


def test_a_csv_export_imports_into_another_operation_as_the_same_children(
    api, operation, listed, other_operation, tmp_path
):
    path = tmp_path / "export.csv"
    path.write_bytes(export(api, role_with(Cap.EXPORT), operation, "csv").content)
    from reunite.agencies.models import Agency
    from reunite.intake.services import run_intake

    batch = run_intake(other_operation, Agency.objects.get(code="NMSP"), path.read_bytes(),
                       file_name=path.name)

    assert batch.rejected == [] and batch.rows == 2
    assert batch.matched == 2 and batch.new_children == 0  # same NCIC number, same case number
    children = set(Target.objects.filter(operation=other_operation).values_list("child", flat=True))
    assert children == {t.child_id for t in listed}


def test_pfif_export_is_pfif_1_4_xml(api, operation, listed):
    response = export(api, role_with(Cap.EXPORT), operation, "pfif")

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{PFIF}}}pfif"
    persons = root.findall(f"{{{PFIF}}}person")
    assert len(persons) == 2
    first = {child.tag.split("}")[1]: child.text for child in persons[0]}
    assert first["person_record_id"].endswith(f"/child-{listed[0].child_id}")
    assert first["full_name"] == "Guadalupe Hernández Ortiz"
    assert first["given_name"] == "Guadalupe" and first["family_name"] == "Hernández Ortiz"
    assert first["sex"] == "female" and first["date_of_birth"] == "2006-03-14"
    assert first["alternate_names"] == "Lupita"
    assert list(first)[:3] == ["person_record_id", "entry_date", "author_name"]
    note = persons[0].find(f"{{{PFIF}}}note")
    assert note.find(f"{{{PFIF}}}status").text == "believed_missing"


def test_exports_leave_out_what_the_caller_may_not_export_with_the_shipped_roles(
        api, operation, listed, cast):
    """The shipped role table: both roles that export see foster care and trafficking on screen,
    but a file outlives access checks — the investigator's export carries no custody status, and
    no export carries trafficking indicators (EXPORT_NEED_TO_KNOW)."""
    exporters = sorted(r for r in ROLES if Cap.EXPORT in ROLE_CAPS[r])
    assert exporters == ["coordinator", "investigator"]
    assert all(may_see(cast[r], Restricted.FOSTER_CARE) for r in exporters)

    coordinator = list(csv.DictReader(io.StringIO(
        export(api, "coordinator", operation, "csv").content.decode("utf-8"))))
    assert coordinator[0]["custody"] == "cyfd"
    assert coordinator[0]["risk_factors"] == "prior_runaway"

    investigator = list(csv.DictReader(io.StringIO(
        export(api, "investigator", operation, "csv").content.decode("utf-8"))))
    assert investigator[0]["custody"] == "" and investigator[0]["guardian_name"] == ""
    assert investigator[0]["risk_factors"] == "prior_runaway"
    event = AuditEvent.objects.filter(action="export").latest("id")
    assert "foster_care" in event.changes["withheld"]
    assert "trafficking_indicators" in event.changes["withheld"]


def test_the_export_filter_follows_the_role_table(api, operation, listed, monkeypatch):
    role = role_with(Cap.EXPORT)
    # Given a role table where this exporter has no need to know foster care at all:
    monkeypatch.setitem(NEED_TO_KNOW, Restricted.FOSTER_CARE,
                        NEED_TO_KNOW[Restricted.FOSTER_CARE] - {role})
    rows = list(csv.DictReader(io.StringIO(
        export(api, role, operation, "csv").content.decode("utf-8"))))
    assert rows[0]["custody"] == "" and rows[0]["guardian_name"] == ""


def test_export_is_refused_by_role_format_and_operation(api, operation, other_operation):
    refusal(export(api, role_without(Cap.EXPORT), operation, "csv"), 403, "forbidden")
    refusal(export(api, role_with(Cap.EXPORT), operation, "docx"), 400, "invalid_format",
            "format")
    refusal(export(api, role_with(Cap.EXPORT), other_operation, "csv"), 404, "unknown_operation")


def test_the_export_command_writes_either_format(operation, listed, tmp_path):
    csv_path, pfif_path = tmp_path / "list.csv", tmp_path / "list.xml"

    call_command("export", operation.slug, "--format", "csv", "-o", str(csv_path))
    call_command("export", str(operation.pk), "--format", "pfif", "-o", str(pfif_path))
    out = io.StringIO()
    call_command("export", operation.slug, stdout=out)

    assert csv_path.read_text(encoding="utf-8").splitlines()[0].startswith("record_id,")
    assert ET.parse(pfif_path).getroot().tag == f"{{{PFIF}}}pfif"
    assert out.getvalue() == csv_path.read_bytes().decode("utf-8")
    assert AuditEvent.objects.filter(action="export", channel="cli").count() == 3


def test_a_csv_export_never_carries_a_spreadsheet_formula(api, operation, make_target):
    target = make_target(first_name='=HYPERLINK("http://evil.example","x")')

    response = export(api, role_with(Cap.EXPORT), operation, "csv")

    row = next(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert row["record_id"] == f"child-{target.child_id}"
    assert row["first_name"].startswith("'=")


def test_an_empty_export_format_is_refused_not_taken_for_csv(api, operation, listed):
    refusal(export(api, role_with(Cap.EXPORT), operation, ""), 400, "invalid_format", "format")
