"""Files as agencies' tools write them go in with the values the agency meant, or are refused
with the real cause. Each fixture is built the way its tool writes it: Spanish-locale Excel's
"CSV" (semicolons, Windows-1252, CRLF, day-first dates), an NCIC extract (upper case, US dates,
NAM as "LAST, FIRST MIDDLE", MKE and DTE columns), a workbook whose first sheet is a cover page."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from reunite.children.models import Child, NCICEntry, SourceRecord
from reunite.core.errors import DomainError
from reunite.intake.models import ImportBatch
from reunite.intake.services import run_intake

SPANISH_EXCEL_HEADER = ["Folio", "Nombre", "Apellido Paterno", "Apellido Materno",
                        "fecha_nacimiento", "sexo", "Fecha de desaparición", "Municipio",
                        "Observaciones"]


def spanish_excel_csv(rows, header=SPANISH_EXCEL_HEADER) -> bytes:
    """What Excel in a Spanish locale writes for "CSV (delimitado por comas)": ';' and cp1252."""
    lines = [";".join(header)] + [";".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


MEXICAN_LIST = [
    ["MX-0301", "José Ángel", "Martínez", "Peña", "03/05/2007", "H", "14/03/2021", "Juárez",
     "visto en la colonia Anáhuac"],
    ["MX-0302", "María Guadalupe", "Sánchez", "Ibáñez", "14/03/2008", "M", "02/04/2021",
     "Juárez", ""],
    ["MX-0303", "Iñaki", "Núñez", "Olvera", "01/12/2009", "H", "25/12/2020", "Ascensión", ""],
    ["MX-0304", "Sofía", "Domínguez", "", "10/11/2006", "M", "05/01/2021", "Juárez", ""],
]


def test_spanish_excel_csv_goes_in_with_its_accents_dates_and_sexes(operation, agencies):
    batch = run_intake(operation, agencies["NCMEC"], spanish_excel_csv(MEXICAN_LIST),
                       file_name="lista_chihuahua.csv")

    assert batch.rejected == [] and batch.new_children == 4
    detected = batch.reading["detected"]
    assert detected["encoding"] == "Windows-1252" and detected["separator"] == "semicolon"
    assert detected["date_order"]["order"] == "dmy"
    assert detected["date_order"]["source"] == "the file's values"
    assert detected["sex_codes"] == {"column": "sexo", "codes": "H/M",
                                     "read_as": "H is hombre (M), M is mujer (F)"}
    assert batch.reading["columns"]["mapped"] == {
        "Folio": "record_id", "Nombre": "first_name", "Apellido Paterno": "last_name",
        "Apellido Materno": "second_last_name", "fecha_nacimiento": "dob", "sexo": "sex",
        "Fecha de desaparición": "date_last_contact", "Municipio": "last_seen_city",
    }
    assert batch.reading["columns"]["ignored"] == ["Observaciones"]

    jose = Child.objects.get(first_name="José Ángel")
    assert (jose.last_name, jose.second_last_name) == ("Martínez", "Peña")
    assert jose.dob == dt.date(2007, 5, 3)  # 3 May: the agency writes day first
    assert jose.sex == "M"
    maria = Child.objects.get(last_name="Sánchez")
    assert maria.dob == dt.date(2008, 3, 14) and maria.sex == "F"  # M is mujer here
    inaki = Child.objects.get(first_name="Iñaki")
    assert inaki.dob == dt.date(2009, 12, 1) and inaki.last_name == "Núñez"
    record = SourceRecord.objects.get(record_id="MX-0301")
    assert record.fields["date_last_contact"] == "2021-03-14"
    assert record.fields["last_seen_city"] == "Juárez"
    assert record.data["Observaciones"] == "visto en la colonia Anáhuac"  # kept as sent


def test_a_column_of_m_and_f_reads_m_as_male(operation, agencies):
    data = spanish_excel_csv([["A-1", "Luis", "Soto", "", "2009-01-02", "M", "", "", ""],
                              ["A-2", "Rosa", "Soto", "", "2010-01-02", "F", "", "", ""]])
    batch = run_intake(operation, agencies["LCPD"], data, file_name="m_f.csv")
    assert batch.reading["detected"]["sex_codes"]["codes"] == "M/F"
    assert Child.objects.get(first_name="Luis").sex == "M"
    assert Child.objects.get(first_name="Rosa").sex == "F"


def test_spanish_words_for_sex_are_read(operation, agencies):
    data = spanish_excel_csv([["A-1", "Luis", "Soto", "", "", "Masculino", "", "", ""],
                              ["A-2", "Rosa", "Soto", "", "", "Mujer", "", "", ""]])
    run_intake(operation, agencies["LCPD"], data, file_name="palabras.csv")
    assert Child.objects.get(first_name="Luis").sex == "M"
    assert Child.objects.get(first_name="Rosa").sex == "F"


def ncic_extract(rows) -> bytes:
    header = "NIC,NAM,SEX,RAC,DOB,HGT,WGT,EYE,HAI,MKE,DTE,DLC,ORI,OCA"
    return ("\r\n".join([header, *(",".join(r) for r in rows)]) + "\r\n").encode("ascii")


def test_an_ncic_extract_keeps_its_message_key_and_entry_date(operation, agencies):
    agencies["LCPD"].ori = "NM0070100"
    agencies["LCPD"].save()
    data = ncic_extract([
        ['M123456789', '"HERNANDEZ, JESUS ANTONIO"', "M", "W", "04/09/2007", "505", "120",
         "BRO", "BLK", "EME", "04/20/2021", "04/18/2021", "NM0070100", "21-004411"],
        ['M987654321', '"RUIZ, ANA"', "F", "W", "11/02/2010", "411", "090", "BRO", "BRO",
         "EMJ", "05/01/2021", "04/30/2021", "NM0070100", "21-004588"],
    ])
    batch = run_intake(operation, agencies["NMSP"], data, file_name="ncic_extract.csv")

    assert batch.rejected == [] and batch.new_children == 2
    assert batch.reading["detected"]["date_order"]["order"] == "mdy"
    jesus = NCICEntry.objects.get(nic="M123456789")
    assert jesus.category == "EME" and jesus.entered_on == dt.date(2021, 4, 20)
    assert (jesus.child.last_name, jesus.child.first_name, jesus.child.middle_name) == (
        "HERNANDEZ", "JESUS", "ANTONIO")
    assert jesus.child.dob == dt.date(2007, 4, 9)  # April 9: US order, proven by 04/20/2021
    assert jesus.entering_agency.code == "LCPD"  # by its ORI
    assert jesus.child.local_cases.get().case_number == "21-004411"
    ana = NCICEntry.objects.get(nic="M987654321")
    assert ana.category == "EMJ" and ana.entered_on == dt.date(2021, 5, 1)
    assert ana.child.dob == dt.date(2010, 11, 2)
    assert batch.reading["detected"]["record_id_from"] == "NIC"


def cover_page_workbook() -> bytes:
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Portada"
    cover["A1"] = "Fiscalía General del Estado de Chihuahua"
    cover["A3"] = "Lista de menores no localizados"
    cover["A4"] = "Fecha de corte:"
    cover["B4"] = dt.datetime(2021, 5, 3)
    data = workbook.create_sheet("Datos")
    data.append(["Relación de menores"])  # a title above the header row
    data.append([])
    data.append(["Expediente", "Nombre", "Apellido paterno", "Apellido materno",
                 "Fecha de nacimiento", "Sexo"])
    data.append(["FGE-1", "Ximena", "Prieto", "Lara", dt.datetime(2008, 7, 1), "Mujer"])
    data.append(["FGE-2", "Mateo", "Chávez", "", "2011-02", "Hombre"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_with_a_cover_page_is_read_from_its_list_sheet(operation, agencies):
    batch = run_intake(operation, agencies["NCMEC"], cover_page_workbook(),
                       file_name="fge.xlsx")

    assert batch.rows == 2 and batch.rejected == [] and batch.new_children == 2
    assert batch.reading["detected"]["sheet"] == "Datos"
    assert batch.reading["detected"]["header_row"] == 3
    ximena = Child.objects.get(first_name="Ximena")
    assert ximena.dob == dt.date(2008, 7, 1) and ximena.sex == "F"
    assert SourceRecord.objects.get(record_id="FGE-1").row_number == 4  # as the sheet shows


def test_a_partial_date_is_kept_at_its_precision(operation, agencies):
    run_intake(operation, agencies["NCMEC"], cover_page_workbook(), file_name="fge.xlsx")
    mateo = SourceRecord.objects.get(record_id="FGE-2")
    assert mateo.fields["dob"] == "2011-02"  # a year and month: never filled in to a day


def test_the_sheet_asked_for_is_read(operation, agencies):
    with pytest.raises(DomainError) as refusal:
        run_intake(operation, agencies["NCMEC"], cover_page_workbook(), file_name="fge.xlsx",
                   sheet="Hoja2")
    assert refusal.value.code == "unknown_sheet" and "'Datos'" in refusal.value.detail


def test_a_workbook_without_a_list_is_refused_not_read_as_empty(operation, agencies):
    workbook = Workbook()
    workbook.active["A1"] = "Nothing here"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(DomainError) as refusal:
        run_intake(operation, agencies["NCMEC"], buffer.getvalue(), file_name="empty.xlsx")
    assert refusal.value.code == "no_header_row"


AMBIGUOUS = [["B-1", "Lucía", "Reyes", "", "03/05/2007", "M", "", "", ""],
             ["B-2", "Tomás", "Reyes", "", "07/08/2009", "H", "", "", ""]]


def test_dates_that_read_both_ways_are_refused_until_the_order_is_said(operation, agencies):
    data = spanish_excel_csv(AMBIGUOUS)
    with pytest.raises(DomainError) as refusal:
        run_intake(operation, agencies["LCPD"], data, file_name="b.csv")
    assert refusal.value.code == "date_order_needed"
    assert "--date-order" in refusal.value.detail and "03/05/2007" in refusal.value.detail
    assert Child.objects.count() == 0

    batch = run_intake(operation, agencies["LCPD"], data, file_name="b.csv", date_order="dmy")
    assert batch.reading["detected"]["date_order"]["source"] == "chosen"
    assert Child.objects.get(first_name="Lucía").dob == dt.date(2007, 5, 3)


def test_dates_that_read_the_same_both_ways_need_no_order(operation, agencies):
    data = spanish_excel_csv([["B-1", "Lucía", "Reyes", "", "05/05/2007", "M", "", "", ""]])
    run_intake(operation, agencies["LCPD"], data, file_name="b.csv")
    assert Child.objects.get().dob == dt.date(2007, 5, 5)


def test_a_file_whose_dates_disagree_is_refused_naming_the_rows(operation, agencies):
    data = spanish_excel_csv([["B-1", "Lucía", "Reyes", "", "14/05/2007", "M", "", "", ""],
                              ["B-2", "Tomás", "Reyes", "", "05/14/2009", "H", "", "", ""]])
    with pytest.raises(DomainError) as refusal:
        run_intake(operation, agencies["LCPD"], data, file_name="b.csv")
    assert refusal.value.code == "date_order_conflict"
    assert "rows 2" in refusal.value.detail and "rows 3" in refusal.value.detail
    with pytest.raises(DomainError) as refusal:
        run_intake(operation, agencies["LCPD"], spanish_excel_csv(MEXICAN_LIST),
                   file_name="b.csv", date_order="mdy")
    assert refusal.value.code == "date_order_conflict"


LOCAL_HEADER = ["record_id", "first_name", "last_name", "dob", "date_last_contact",
                "ncic_status", "ncic_nic", "local_case_number", "local_case_status"]


def local_csv(rows) -> bytes:
    return ("\n".join(",".join(r) for r in [LOCAL_HEADER, *rows]) + "\n").encode()


def test_soft_inconsistencies_are_accepted_with_warnings(operation, agencies):
    data = local_csv([
        ["L-1", "Karla", "Ríos", "2009-02-02", "2021-04-01", "active", "", "21-1", "open"],
        ["L-2", "Diego", "Lara", "2010-06-01", "2009-01-01", "", "", "21-2", "closed"],
        ["L-3", "Brenda", "Lozano", "2001-01-01", "", "", "", "", "open"],
    ])
    batch = run_intake(operation, agencies["LCPD"], data, file_name="local.csv")

    assert batch.rejected == [] and batch.new_children == 3
    warned = {(w["row"], w["record_id"], w["field"]) for w in batch.warnings}
    assert warned == {
        (2, "L-1", "ncic_nic"),                # "in NCIC" without the number
        (3, "L-2", "date_last_contact"),       # last contact before birth
        (3, "L-2", "local_case_status"),       # a closed case on a list of missing children
        (4, "L-3", "dob"),                     # 18 or older on the list's date
        (4, "L-3", "local_case_number"),       # a status without its case number
    }
    karla = Child.objects.get(first_name="Karla")
    assert not karla.ncic_entries.exists()  # no NCIC entry is invented without a number
    assert karla.local_cases.get().case_number == "21-1"  # the open case goes in
    assert SourceRecord.objects.get(record_id="L-1").fields["ncic_status"] == "active"
    assert ImportBatch.objects.get().warnings == batch.warnings


def test_the_command_reports_warnings_and_a_dry_run_writes_nothing(operation, agencies,
                                                                     tmp_path, capsys):
    path = tmp_path / "lista.csv"
    path.write_bytes(spanish_excel_csv(MEXICAN_LIST))
    call_command("intake", operation.slug, str(path), "--source", "NCMEC", "--dry-run",
                 "--json")
    preview = json.loads(capsys.readouterr().out)
    assert preview["dry_run"] is True and preview["accepted"] == 4
    assert preview["detected"]["encoding"] == "Windows-1252"
    assert preview["columns"]["mapped"]["Folio"] == "record_id"
    assert preview["preview"][0]["dob"] == "2007-05-03"
    assert preview["preview"][0]["first_name"] == "José Ángel"
    assert (Child.objects.count(), ImportBatch.objects.count()) == (0, 0)

    call_command("intake", operation.slug, str(path), "--source", "NCMEC", "--dry-run")
    text = capsys.readouterr().out
    assert "nothing was written" in text and "semicolon" in text and "Folio → record_id" in text
    assert "day-first" in text

    path.write_bytes(spanish_excel_csv(AMBIGUOUS))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date-order"):
        call_command("intake", operation.slug, str(path), "--source", "LCPD")
    call_command("intake", operation.slug, str(path), "--source", "LCPD", "--date-order", "mdy",
                 "--json")
    assert json.loads(capsys.readouterr().out)["new_children"] == 2
    assert Child.objects.get(first_name="Lucía").dob == dt.date(2007, 3, 5)


def test_an_operator_adds_header_spellings_in_a_file(operation, agencies, tmp_path, settings):
    from reunite.intake.headers import spellings

    extra = tmp_path / "our_headers.csv"
    extra.write_text("field,header\nrecord_id,Num. Reporte\nfirst_name,Nombre del menor\n")
    settings.REUNITE_INTAKE_HEADERS = str(extra)
    spellings.cache_clear()
    try:
        data = b"Num. Reporte,Nombre del menor,apellido\nR-1,Abril,Olivas\n"
        batch = run_intake(operation, agencies["LCPD"], data, file_name="r.csv")
    finally:
        spellings.cache_clear()
    assert batch.rejected == [] and Child.objects.get().first_name == "Abril"


# --- bounds: hostile files are refused quickly with a sentence, on every path ------------------


def test_a_duplicated_header_is_refused_with_its_names(operation, agencies):
    data = b"record_id,first_name,last_name,dob,DOB\nD-1,Ana,Ruiz,2009-01-01,2010-01-01\n"
    with pytest.raises(DomainError) as refusal:
        run_intake(operation, agencies["LCPD"], data, file_name="d.csv")
    assert refusal.value.code == "duplicate_header"
    assert "'dob'" in refusal.value.detail and "'DOB'" in refusal.value.detail
    data = b"record_id,first_name,last_name,dob,fecha_nacimiento\nD-1,Ana,Ruiz,2009-01-01,\n"
    with pytest.raises(DomainError, match="both mean dob"):
        run_intake(operation, agencies["LCPD"], data, file_name="d.csv")


def test_a_megabyte_cell_is_refused_with_a_sentence(operation, agencies):
    data = b"record_id,first_name,last_name,notes\nC-1,Ana,Ruiz," + b"x" * 1_000_000 + b"\n"
    with pytest.raises(DomainError) as refusal:
        run_intake(operation, agencies["LCPD"], data, file_name="c.csv")
    assert refusal.value.code == "cell_too_long" and "Line 2" in refusal.value.detail


def test_a_tiny_workbook_declaring_a_million_rows_is_refused_before_it_is_parsed(
    operation, agencies, monkeypatch
):
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["record_id", "first_name", "last_name"])
    sheet.append(["W-1", "Ana", "Ruiz"])
    sheet.cell(row=1_048_576, column=1, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(buffer.getvalue()) < 10_000
    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(DomainError) as refusal:
        run_intake(operation, agencies["LCPD"], buffer.getvalue(), file_name="w.xlsx")
    assert refusal.value.code == "too_many_rows" and "1,048,576" in refusal.value.detail


def test_rows_columns_and_expanded_size_have_limits(operation, agencies, settings):
    settings.REUNITE_INTAKE_MAX_ROWS = 2
    rows = b"\n".join(f"R-{i},Ana,Ruiz".encode() for i in range(3))
    with pytest.raises(DomainError, match="more than 2 rows"):
        run_intake(operation, agencies["LCPD"], b"record_id,first_name,last_name\n" + rows,
                   file_name="r.csv")
    settings.REUNITE_INTAKE_MAX_ROWS = 100
    settings.REUNITE_INTAKE_MAX_COLUMNS = 3
    with pytest.raises(DomainError, match="4 columns"):
        run_intake(operation, agencies["LCPD"], b"record_id,first_name,last_name,x\n1,a,b,c\n",
                   file_name="c.csv")
    settings.REUNITE_INTAKE_MAX_COLUMNS = 100
    settings.REUNITE_INTAKE_MAX_EXPANDED_BYTES = 1000
    with pytest.raises(DomainError) as refusal:
        run_intake(operation, agencies["LCPD"], cover_page_workbook(), file_name="fge.xlsx")
    assert refusal.value.code == "workbook_too_large"


def test_the_command_runs_the_upload_checks_too(operation, agencies, tmp_path, settings):
    from django.core.management.base import CommandError

    renamed = tmp_path / "photo.csv"
    renamed.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00binary")
    with pytest.raises(CommandError, match="upload_type"):
        call_command("intake", operation.slug, str(renamed), "--source", "LCPD")
    settings.REUNITE_MAX_UPLOAD_BYTES = 10
    big = tmp_path / "big.csv"
    big.write_bytes(local_csv([["L-1", "Ana", "Ruiz", "", "", "", "", "", ""]]))
    with pytest.raises(CommandError, match="upload_too_large"):
        call_command("intake", operation.slug, str(big), "--source", "LCPD")


def test_the_api_refuses_hostile_files_with_a_sentence_not_a_500(operation, agencies, client,
                                                                 cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast["coordinator"])
    huge_cell = b"record_id,first_name,last_name,notes\nC-1,Ana,Ruiz," + b"x" * 1_000_000 + b"\n"
    response = client.post(
        f"/api/v1/operations/{operation.pk}/intake",
        {"file": SimpleUploadedFile("c.csv", huge_cell), "source": "LCPD"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "cell_too_long"


def test_title_lines_above_the_header_and_a_misaligned_row(operation, agencies):
    data = spanish_excel_csv([
        ["Folio", "Nombre", "Apellido Paterno", "Apellido Materno", "fecha_nacimiento", "sexo",
         "Fecha de desaparición", "Municipio", "Observaciones"],
        ["T-1", "Abril", "Olivas", "", "2009-01-01", "M", "", "", ""],
        # an unquoted ';' in the name pushes every value one column right
        ["T-2", "Hernández; Jesús", "Soto", "", "2009-01-01", "H", "", "", "nota"],
    ], header=["LISTA DE MENORES NO LOCALIZADOS", "", "", "", "", "", "", "", ""])
    batch = run_intake(operation, agencies["LCPD"], data, file_name="titulo.csv")
    assert batch.reading["detected"]["header_row"] == 2
    assert batch.new_children == 1
    assert [(r["row"], r["record_id"]) for r in batch.rejected] == [(4, "T-2")]
    assert "separator inside a value" in batch.rejected[0]["reason"]


def test_a_misaligned_row_never_names_a_record_id_read_from_the_wrong_column(operation, agencies):
    # An NCIC-style extract with the record id (the NIC) after the name: a stray comma in the
    # name slides the NIC column onto the surname, which is not a record anyone could look up.
    data = (b"NAM,NIC,DOB,SEX\n"
            b"\"RUIZ, ANA\",M123456789,12/25/2009,F\n"
            b"SOTO, JESUS,M987654321,03/04/2009,M\n")
    batch = run_intake(operation, agencies["LCPD"], data, file_name="ncic.csv")
    assert [(r["row"], r["record_id"]) for r in batch.rejected] == [(3, "")]
    assert "separator inside a value" in batch.rejected[0]["reason"]


def test_reading_has_a_time_budget(operation, agencies, settings):
    settings.REUNITE_INTAKE_READ_SECONDS = 0
    rows = b"".join(f"R-{i},Ana,Ruiz\n".encode() for i in range(1000))
    with pytest.raises(DomainError) as refusal:
        run_intake(operation, agencies["LCPD"], b"record_id,first_name,last_name\n" + rows,
                   file_name="slow.csv")
    assert refusal.value.code == "file_too_slow" and "split it" in refusal.value.detail


def test_the_api_previews_without_writing(operation, agencies, client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast["coordinator"])
    url = f"/api/v1/operations/{operation.pk}/intake"
    data = spanish_excel_csv(AMBIGUOUS)
    response = client.post(url, {"file": SimpleUploadedFile("b.csv", data), "source": "LCPD"})
    assert response.status_code == 400 and response.json()["error"] == "date_order_needed"
    response = client.post(url, {"file": SimpleUploadedFile("b.csv", data), "source": "LCPD",
                                 "date_order": "dmy", "dry_run": "true"})
    body = response.json()
    assert response.status_code == 200 and body["dry_run"] is True
    assert body["preview"][0]["dob"] == "2007-05-03"
    assert body["detected"]["separator"] == "semicolon"
    assert not Child.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("b.csv", data), "source": "LCPD",
                                 "date_order": "dmy"})
    assert response.status_code == 201 and response.json()["columns"]["mapped"]["sexo"] == "sex"
