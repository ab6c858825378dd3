"""Intake with its rejects, the review queue, the report, the dashboard."""

import csv
import datetime as dt
import hashlib
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reunite.children.models import Child, MatchReview
from reunite.operations.models import TargetStatus

HEADER = ["record_id", "first_name", "last_name", "dob", "sex", "ncic_nic"]


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _preview(client, operation, data: bytes, name="lcpd.csv", **choices):
    return client.post(f"/ops/{operation.slug}/intake/", {
        "file": SimpleUploadedFile(name, data, content_type="text/csv"), "agency": "LCPD",
        **choices}, HTTP_HX_REQUEST="true")


def _confirm(client, operation, data: bytes, action="import", **choices):
    return client.post(f"/ops/{operation.slug}/intake/", {
        "pending": hashlib.sha256(data).hexdigest(), "agency": "LCPD", "action": action,
        **choices}, HTTP_HX_REQUEST="true")


def _upload(client, operation, data: bytes, name="lcpd.csv"):
    """Upload, preview, then confirm: the file is sent once."""
    _preview(client, operation, data, name)
    return _confirm(client, operation, data)


def test_upload_shows_every_rejected_row_with_its_reason(as_user, operation):
    client = as_user("analyst")
    response = _upload(client, operation, _csv([
        ["L-1", "Ximena", "Carrillo", "2009-04-02", "F", "M111"],
        ["L-2", "Iker", "Montoya", "2009-02-30", "M", ""],
        ["L-3", "", "", "2008-01-01", "F", ""],
    ]))
    text = response.content.decode()
    assert "not a real calendar date" in text
    assert "at least a first or a last name" in text
    assert Child.objects.filter(first_name="Ximena").exists()


def test_the_rejects_come_back_as_sent_with_the_reason_to_fix_and_resend(as_user, operation):
    client = as_user("analyst")
    _upload(client, operation, _csv([
        ["L-1", "Ximena", "Carrillo", "2009-04-02", "F", "M111"],
        ["L-2", "Iker", "Montoya", "2009-02-30", "M", ""],
    ]))
    batch = operation.import_batches.get()
    response = client.get(f"/ops/{operation.slug}/intake/{batch.pk}/rejects.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER + ["reject_row", "reject_field", "reject_reason"]
    assert rows[1][:4] == ["L-2", "Iker", "Montoya", "2009-02-30"]
    assert rows[1][6:8] == ["3", "dob"]
    # fixed and re-sent, the row goes in
    rows[1][3] = "2009-02-28"
    fixed = _csv([row[:len(HEADER)] for row in rows[1:]])
    _upload(client, operation, fixed, name="lcpd-fixed.csv")
    assert Child.objects.filter(first_name="Iker").exists()


def test_the_preview_writes_nothing_and_the_import_reads_the_kept_file(as_user, operation):
    client = as_user("analyst")
    data = _csv([["L-1", "Ximena", "Carrillo", "2009-04-02", "F", "M111"]])
    preview = _preview(client, operation, data).content.decode()
    assert "Nothing has been written yet" in preview and "Ximena" in preview
    assert "record_id" in preview and "Import 1 row" in preview
    assert not Child.objects.exists() and not operation.import_batches.exists()

    result = _confirm(client, operation, data).content.decode()
    assert "Result for lcpd.csv" in result
    assert 'id="recent-imports" hx-swap-oob="true"' in result  # the list of imports refreshes
    assert Child.objects.filter(first_name="Ximena").exists()
    again = _confirm(client, operation, data).content.decode()  # the kept copy is gone
    assert "upload it again" in again
    resent = _preview(client, operation, data).content.decode()
    assert "importing it again changes nothing" in resent


def test_a_file_whose_dates_read_both_ways_asks_for_the_order(as_user, operation):
    client = as_user("analyst")
    data = _csv([["M-1", "Lucía", "Reyes", "03/05/2007", "F", ""]])
    text = _preview(client, operation, data).content.decode()
    assert "--date-order" in text and 'name="date_order"' in text
    text = _confirm(client, operation, data, action="preview", date_order="dmy").content.decode()
    assert "2007-05-03" in text and "day first" in text
    _confirm(client, operation, data, date_order="dmy")
    assert Child.objects.get(first_name="Lucía").dob == dt.date(2007, 5, 3)


def test_a_windows_1252_file_goes_in_from_the_page(as_user, operation):
    client = as_user("analyst")
    data = "folio;nombre;apellido paterno;sexo\r\nW-1;Begoña;Núñez;M\r\n".encode("cp1252")
    text = _preview(client, operation, data).content.decode()
    assert "Windows-1252" in text and "Begoña" in text
    _confirm(client, operation, data)
    assert Child.objects.get().last_name == "Núñez"


def test_the_sending_agency_is_a_required_choice_without_default(as_user, operation):
    client = as_user("coordinator")  # an HSI user: HSI must not be preselected
    page = client.get(f"/ops/{operation.slug}/intake/").content.decode()
    assert '<option value="" selected>' in page and '<option value="HSI" selected>' not in page
    response = client.post(f"/ops/{operation.slug}/intake/", {
        "file": SimpleUploadedFile("l.csv", _csv([["L-1", "Ana", "Ruiz", "", "F", ""]]))})
    assert response.status_code == 422 and not Child.objects.exists()


def test_a_file_that_is_not_a_list_is_refused(as_user, operation):
    response = _preview(as_user("analyst"), operation, b"\x00\x01binary", name="list.exe")
    assert "The file was not imported" in response.content.decode()


def test_intake_is_refused_to_caseworkers(as_user, operation):
    assert as_user("caseworker").get(f"/ops/{operation.slug}/intake/").status_code == 403


def _review(operation, make_target):
    a = make_target(first_name="Guadalupe", last_name="Hernández").child
    b = make_target(first_name="Lupita", last_name="Hernandes").child
    return MatchReview.objects.create(
        operation=operation, child_a=a, child_b=b, match_probability=0.71,
        agreements={"given_name": "close", "surnames": "close", "dob": "agree",
                    "sex": "agree", "household": "missing"})


def test_the_review_page_shows_the_pair_and_what_agrees(as_user, operation, make_target):
    _review(operation, make_target)
    text = as_user("analyst").get(f"/ops/{operation.slug}/review/").content.decode()
    assert "Lupita" in text and "Guadalupe" in text
    assert 'class="close"' in text and 'class="agree"' in text
    assert "Same child" in text and "Different children" in text


def test_deciding_same_merges_the_two_children(as_user, operation, make_target):
    review = _review(operation, make_target)
    response = as_user("analyst").post(f"/review/{review.pk}/decide/",
                                       {"decision": "same"}, HTTP_HX_REQUEST="true")
    assert "the same child" in response.content.decode()
    review.refresh_from_db()
    assert review.decision == "same"
    assert Child.objects.filter(merged_into__isnull=False).count() == 1


def test_deciding_twice_is_refused_with_the_reason(as_user, operation, make_target):
    review = _review(operation, make_target)
    client = as_user("analyst")
    client.post(f"/review/{review.pk}/decide/", {"decision": "different"})
    response = client.post(f"/review/{review.pk}/decide/", {"decision": "same"},
                           HTTP_HX_REQUEST="true")
    assert "already decided" in response.content.decode()


def test_the_report_page_and_its_public_version(as_user, operation, found_target):
    client = as_user("coordinator")
    full = client.get(f"/ops/{operation.slug}/report/").content.decode()
    assert "Full version: restricted" in full and "<svg" in full
    public = client.get(f"/ops/{operation.slug}/report/?public=1").content.decode()
    assert "Public version" in public
    assert found_target.child.last_name not in public


def test_the_public_information_officer_gets_the_public_report_only(
        as_user, operation, found_target):
    text = as_user("pio").get(f"/ops/{operation.slug}/report/").content.decode()
    assert "Public version: aggregates only" in text
    assert found_target.child.last_name not in text


def test_the_report_downloads_as_pdf(as_user, operation, found_target):
    response = as_user("coordinator").get(f"/ops/{operation.slug}/report.pdf?public=1")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_dashboard_has_the_numbers_clocks_and_follow_ups(
        as_user, operation, make_target, found_target, cast):
    missing = make_target(ncic=None, case="open", first_name="Sin", last_name="Entrada")
    missing.child.local_cases.update(reported_at=timezone.now() - dt.timedelta(hours=5))
    text = " ".join(as_user("coordinator").get(f"/ops/{operation.slug}/").content
                    .decode().split())
    assert "On the baseline list" in text
    assert "1 clock running — 1 overdue" in text
    assert "3 h 00 min overdue" in text
    assert "Sin Entrada" in text
    assert "1 found child has not been screened yet." in text
    assert "Remove from NCIC" in text
    assert found_target.status == TargetStatus.RECOVERED


def test_the_dashboard_hides_foster_care_clocks_from_analysts(as_user, operation, make_target):
    make_target()
    text = as_user("analyst").get(f"/ops/{operation.slug}/").content.decode()
    assert "Foster-care status is shown only to roles with a need to know." in text


def test_the_dashboards_queries_do_not_grow_with_the_list(
        as_user, operation, make_target, django_assert_max_num_queries):
    client = as_user("coordinator")
    make_target()
    with django_assert_max_num_queries(30) as few:
        client.get(f"/ops/{operation.slug}/")
    for _ in range(20):
        make_target()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/ops/{operation.slug}/")


def test_a_foster_child_not_known_to_ncmec_is_overdue_on_the_dashboard(
        as_user, operation, make_target, agencies):
    from reunite.children.models import NCMECReport, SourceRecord

    foster = make_target(first_name="Ana", last_name="Acogida")
    foster.child.custody = "cyfd"
    foster.child.save()
    reported = timezone.now() - dt.timedelta(hours=30)
    foster.child.local_cases.update(reported_at=reported)
    known = make_target(first_name="Eva", last_name="Conocida")
    known.child.custody = "cyfd"
    known.child.save()
    known.child.local_cases.update(reported_at=reported)
    # A record NCMEC sent is not a report to NCMEC: only a recorded report stops the clock.
    SourceRecord.objects.create(child=known.child, agency=agencies["NCMEC"], record_id="N-9",
                                content_hash="n9", data={}, fields={})
    reported_in_time = make_target(first_name="Ida", last_name="Reportada")
    reported_in_time.child.custody = "cyfd"
    reported_in_time.child.save()
    reported_in_time.child.local_cases.update(reported_at=reported)
    NCMECReport.objects.create(child=reported_in_time.child,
                               reported_at=reported + dt.timedelta(hours=3))
    text = " ".join(as_user("coordinator").get(f"/ops/{operation.slug}/").content
                    .decode().split())
    clock = text.split("Foster-care child reported to NCMEC")[1].split("Screening for")[0]
    assert "2 clocks running — 2 overdue" in clock
    assert "Ana Acogida" in clock and "Eva Conocida" in clock
    assert "Ida Reportada" not in clock
    assert "6 h 00 min overdue" in clock
