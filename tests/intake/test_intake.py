"""Bringing agencies' lists in: good rows in, bad rows named, nothing half-written."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from reunite.children.models import Child, LocalCase, NCICEntry, SourceRecord
from reunite.intake.models import ImportBatch
from reunite.intake.services import run_intake
from reunite.operations.models import Target

HEADER = ["record_id", "first_name", "last_name", "second_last_name", "sex", "dob",
          "ncic_nic", "local_agency", "local_case_number", "custody", "risk_factors"]


def csv_bytes(rows, header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def listed(operation):
    return Target.objects.listed().filter(operation=operation)


def test_csv_with_aliases_us_and_iso_dates(operation, agencies):
    data = csv_bytes(
        [["L-1", "José", "Martínez", "Peña", "M", "03/14/2008", "", "", "21-001", "", ""],
         ["L-2", "Ana", "Ruiz", "", "F", "2010-11-02", "", "", "21-002", "cyfd",
          "homelessness;prior_runaway"]],
        header=["ID", "First Name", "Surname", "Maternal_Surname", "Gender", "Date of Birth",
                "NIC", "agency", "Case Number", "custody", "risk_factors"],
    )
    batch = run_intake(operation, agencies["LCPD"], data, file_name="lcpd.csv")
    assert batch.summary() == {"rows": 2, "new_children": 2, "matched": 0, "review": 0,
                               "rejected": []}
    jose = Child.objects.get(first_name="José")
    assert jose.dob == dt.date(2008, 3, 14) and jose.second_last_name == "Peña"
    assert LocalCase.objects.get(case_number="21-001").agency.code == "LCPD"
    ana = Child.objects.get(first_name="Ana")
    assert ana.custody == "cyfd" and ana.risk_factors == ["homelessness", "prior_runaway"]
    assert listed(operation).count() == 2


def test_xlsx_is_read_like_csv(operation, agencies):
    rows = [["D-7", "María Guadalupe", "Sánchez", "Olivas", "F", dt.date(2007, 1, 9), "M123456789",
             "DASO", "DA-77", "guardian", ""]]
    batch = run_intake(operation, agencies["DASO"], xlsx_bytes(rows), file_name="daso.xlsx")
    assert batch.new_children == 1 and not batch.rejected
    entry = NCICEntry.objects.get(nic="M123456789")
    assert entry.child.dob == dt.date(2007, 1, 9) and entry.status == "active"


def test_bad_rows_are_named_and_good_rows_go_in(operation, agencies):
    data = csv_bytes([
        ["A-1", "Luis", "Torres", "", "M", "2009-05-05", "", "", "", "", ""],
        ["A-2", "Sofía", "Luna", "", "F", "13/45/2009", "", "", "", "", ""],
        ["", "Pedro", "Gil", "", "M", "2009-05-05", "", "", "", "", ""],
        ["A-4", "", "", "", "F", "2009-05-05", "", "", "", "", ""],
        ["A-5", "Rosa", "Vega", "", "Q", "2009-05-05", "", "", "", "", ""],
        ["A-6", "Iván", "Soto", "", "M", "2009-05-05", "", "XYZ", "9", "", ""],
        ["A-7", "Eva", "Mora", "", "F", "2009-05-05", "", "", "", "", "aliens"],
        ["A-8", "Raúl", "Díaz", "", "M", "2099-01-01", "", "", "", "", ""],
    ])
    batch = run_intake(operation, agencies["APD"], data, file_name="apd.csv")
    assert batch.new_children == 1
    rejected = {r["row"]: (r["record_id"], r["field"]) for r in batch.rejected}
    assert rejected == {
        3: ("A-2", "dob"), 4: ("", "record_id"), 5: ("A-4", "first_name"), 6: ("A-5", "sex"),
        7: ("A-6", "local_agency"), 8: ("A-7", "risk_factors"), 9: ("A-8", "dob"),
    }
    reasons = {r["row"]: r["reason"] for r in batch.rejected}
    assert "13/45/2009" in reasons[3] and "future" in reasons[9]
    assert Child.objects.count() == 1


def test_the_same_file_twice_changes_nothing(operation, agencies):
    data = csv_bytes([["S-1", "Karla", "Reyes", "Lara", "F", "2008-02-02", "", "", "S-1", "", ""],
                      ["S-2", "Diego", "Reyes", "Lara", "M", "2012-07-30", "", "", "S-2", "", ""]])
    run_intake(operation, agencies["SPPD"], data, file_name="sppd.csv")
    counts = (Child.objects.count(), SourceRecord.objects.count(), Target.objects.count(),
              ImportBatch.objects.count())
    again = run_intake(operation, agencies["SPPD"], data, file_name="sppd-again.csv")
    assert (again.new_children, again.matched, again.review) == (0, 0, 0)
    assert counts == (Child.objects.count(), SourceRecord.objects.count(),
                      Target.objects.count(), ImportBatch.objects.count())


def test_rows_already_received_in_another_file_are_left_alone(operation, agencies):
    row = ["S-1", "Karla", "Reyes", "Lara", "F", "2008-02-02", "", "", "S-1", "", ""]
    run_intake(operation, agencies["SPPD"], csv_bytes([row]), file_name="week1.csv")
    newer = ["S-3", "Mateo", "Chávez", "", "M", "2011-01-01", "", "", "S-3", "", ""]
    batch = run_intake(operation, agencies["SPPD"], csv_bytes([row, newer]),
                       file_name="week2.csv")
    assert (batch.new_children, batch.unchanged) == (1, 1)
    assert SourceRecord.objects.count() == 2


def test_exact_copies_inside_a_file_are_one_record(operation, agencies):
    row = ["C-1", "Lupe", "Ortiz", "", "F", "2009-09-09", "", "", "C-1", "", ""]
    batch = run_intake(operation, agencies["LCPD"], csv_bytes([row, row, row]),
                       file_name="copies.csv")
    assert batch.rows == 3 and batch.new_children == 1 and not batch.rejected
    assert SourceRecord.objects.count() == 1


def test_same_ncic_number_or_case_number_is_the_same_child(operation, agencies):
    ncic = csv_bytes([["N-1", "Jesus", "Hernandez", "", "M", "2007-04-04", "M000000001", "", "",
                       "", ""]])
    run_intake(operation, agencies["NMSP"], ncic, file_name="ncic.csv")
    local = csv_bytes([
        # Same NIC, name spelt differently: a rule says it is the same child.
        ["L-9", "Chuy", "Hernández", "Soto", "M", "2007-04-04", "M000000001", "", "LC-9", "", ""],
    ])
    batch = run_intake(operation, agencies["LCPD"], local, file_name="lcpd.csv")
    assert (batch.new_children, batch.matched) == (0, 1)
    child = Child.objects.get()
    assert child.second_last_name == "Soto"  # blanks are filled from the new source
    assert child.local_cases.get().case_number == "LC-9"
    again = csv_bytes([["D-3", "J.", "Hernandez", "", "M", "", "", "LCPD", "LC-9", "", ""]])
    batch = run_intake(operation, agencies["DASO"], again, file_name="daso.csv")
    assert (batch.new_children, batch.matched) == (0, 1)
    assert listed(operation).count() == 1
    assert sorted(child.source_records.values_list("agency__code", flat=True)) == [
        "DASO", "LCPD", "NMSP"]


def test_a_failure_midway_leaves_nothing_half_written(operation, agencies, monkeypatch):
    from reunite.intake import store

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    data = csv_bytes([["F-1", "Noé", "Campos", "", "M", "2010-10-10", "", "", "F-1", "", ""]])
    # the last write of an import: children, records, cases and list entries are already written
    monkeypatch.setattr(store, "refresh_search_texts", explode)
    with pytest.raises(RuntimeError):
        run_intake(operation, agencies["LCPD"], data, file_name="f.csv")
    assert (Child.objects.count(), SourceRecord.objects.count(), ImportBatch.objects.count(),
            Target.objects.count()) == (0, 0, 0, 0)


def test_not_a_spreadsheet_is_refused_clearly(operation, agencies):
    from reunite.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        run_intake(operation, agencies["LCPD"], b"\x00\x01binary", file_name="x.xlsx")
    assert caught.value.code == "invalid_file" and caught.value.field == "file"


def test_unknown_columns_are_kept_verbatim(operation, agencies):
    data = csv_bytes([["K-1", "Ximena", "Prieto", "tattoo on left wrist"]],
                     header=["record_id", "first_name", "last_name", "officer_notes"])
    run_intake(operation, agencies["LCPD"], data, file_name="k.csv")
    assert SourceRecord.objects.get().data["officer_notes"] == "tattoo on left wrist"


def test_the_command_prints_the_contract_json(operation, agencies, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([
        ["J-1", "Andrea", "Nava", "", "F", "2012-08-08", "", "", "J-1", "", ""],
        ["J-2", "Bad", "Date", "", "F", "2008-02-31", "", "", "J-2", "", ""],
    ]))
    call_command("intake", operation.slug, str(path), "--source", "LCPD", "--json")
    summary = json.loads(capsys.readouterr().out)
    contract = {key: summary[key] for key in ("rows", "new_children", "matched", "review",
                                              "rejected")}
    assert contract == {
        "rows": 2, "new_children": 1, "matched": 0, "review": 0,
        "rejected": [{"row": 3, "record_id": "J-2", "field": "dob",
                      "reason": "'2008-02-31' is not a real calendar date."}],
    }
    # Added keys: the warnings, how every column was read, and what was detected.
    assert summary["warnings"] == []
    assert summary["columns"]["mapped"]["dob"] == "dob"
    assert summary["detected"]["separator"] == "comma"


def test_one_child_spelt_two_ways_by_two_agencies_is_one_child(operation, agencies):
    ncic = csv_bytes([
        ["N-1", "Guadalupe", "Hernández", "Ortiz", "F", "2007-04-09", "M000000777", "", "", "",
         ""],
        ["N-2", "Rodrigo", "Villalobos", "Cano", "M", "2009-09-21", "M000000778", "", "", "", ""],
    ])
    run_intake(operation, agencies["NMSP"], ncic, file_name="ncic.csv")
    local = csv_bytes([
        # Nickname, accents dropped, day and month swapped, no shared identifier.
        ["L-1", "Lupe", "Hernandez", "Ortiz", "F", "09/04/2007", "", "", "LC-1", "", ""],
        # A sister: same surnames, different first name and date of birth.
        ["L-2", "Marisol", "Hernández", "Ortiz", "F", "2010-02-03", "", "", "LC-2", "", ""],
    ])
    batch = run_intake(operation, agencies["LCPD"], local, file_name="lcpd.csv",
                       date_order="mdy")
    assert (batch.new_children, batch.matched) == (1, 1)
    lupe = NCICEntry.objects.get(nic="M000000777").child
    assert lupe.local_cases.get().case_number == "LC-1"
    assert "lupe" in lupe.search_text
    assert listed(operation).count() == 3


def test_a_child_stored_while_an_import_compares_is_matched_not_duplicated(
        operation, agencies, monkeypatch):
    """An import decides its rows before taking the write lock; the same record stored by
    someone else in the meantime is seen when it writes, never stored as a second child."""
    from reunite.intake import services

    data = csv_bytes([["L-77", "Lupita", "Hernández", "", "F", "2009-02-03", "", "", "", "", ""]])
    decide, meanwhile = services._decide, []

    def decide_then_someone_stores_it(*args, **kwargs):
        decided = decide(*args, **kwargs)
        if not meanwhile:
            meanwhile.append(None)  # the other import decides as usual
            meanwhile[0] = run_intake(operation, agencies["LCPD"], data + b"\n",
                                      file_name="the same list, sent twice at once.csv")
        return decided

    monkeypatch.setattr(services, "_decide", decide_then_someone_stores_it)
    batch = run_intake(operation, agencies["LCPD"], data, file_name="lcpd.csv")

    assert meanwhile[0].new_children == 1
    assert batch.new_children == 0 and batch.unchanged == 1
    assert Child.objects.filter(first_name="Lupita").count() == 1
    assert listed(operation).count() == 1
