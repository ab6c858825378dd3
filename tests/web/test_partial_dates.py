"""Pages show a partial date of birth as such ("2007", "May 2007"), and an age that cannot be
known exactly as a range, in English and Spanish."""

from reunite.core.dates import PartialDate


def _vague(target, text: str):
    target.child.set_dob(PartialDate.from_iso(text))
    target.child.save()
    return target


def test_the_childs_page_shows_the_month_and_an_age_range(as_user, make_target, cast):
    target = _vague(make_target(), "2007-05")
    page = as_user("investigator").get(f"/children/{target.pk}/").content.decode()
    assert "May 2007" in page and "age 13–14 on" in page
    assert "May 1, 2007" not in page and "1 May 2007" not in page
    cast["investigator"].language = "es"
    cast["investigator"].save()
    page = as_user("investigator").get(f"/children/{target.pk}/").content.decode()
    assert "mayo de 2007" in page and "13–14" in page


def test_a_year_alone_is_shown_as_the_year(as_user, make_target):
    target = _vague(make_target(), "2007")
    page = as_user("investigator").get(f"/children/{target.pk}/").content.decode()
    assert "<dd>2007 (" in page


def test_the_list_shows_age_ranges_and_the_age_filter_keeps_a_possible_match(
        as_user, operation, make_target):
    _vague(make_target(first_name="Itzel", last_name="Ramírez"), "2007")
    client = as_user("coordinator")
    url = f"/ops/{operation.slug}/children/"
    assert "13–14" in client.get(url).content.decode()
    # 13 or 14 on the operation's start: found by a filter either age is in, not by others.
    assert "Itzel" in client.get(url, {"age_max": "13"}).content.decode()
    assert "Itzel" in client.get(url, {"age_min": "14"}).content.decode()
    assert "Itzel" not in client.get(url, {"age_max": "12"}).content.decode()
    assert "Itzel" not in client.get(url, {"age_min": "15"}).content.decode()


def test_pfif_notes_sources_age_and_photo_link_on_the_childs_page(as_user, operation, agencies):
    from pathlib import Path

    from reunite.intake.services import run_intake
    from reunite.operations.models import Target

    data = (Path(__file__).parents[1] / "intake/fixtures/personfinder/test.pfif-1.4.xml"
            ).read_bytes().replace(b"_test_photo_url", b"https://pf.example.org/photo/7.jpg")
    run_intake(operation, agencies["NCMEC"], data, file_name="pf.xml")
    target = Target.objects.get()
    page = as_user("investigator").get(f"/children/{target.pk}/").content.decode()
    assert 'href="https://pf.example.org/photo/7.jpg"' in page
    assert 'referrerpolicy="no-referrer"' in page
    assert "35-45" in page                       # the age the source gave
    assert "January 1970" in page                # date_of_birth 1970-01
    assert "new comment - testing" in page       # a note on the timeline
    assert "Where: 19.16592425362802 -71.9384765625" in page
    assert "Status: Believed missing" in page
    assert "inna-testing" in page                # the note's author


def test_an_imported_notes_status_is_in_spanish_for_a_spanish_user(as_user, operation,
                                                                   agencies, cast):
    from pathlib import Path

    from reunite.intake.services import run_intake
    from reunite.operations.models import Target

    data = (Path(__file__).parents[1] / "intake/fixtures/personfinder/test.pfif-1.2.xml"
            ).read_bytes()
    run_intake(operation, agencies["NCMEC"], data, file_name="pf.xml")
    cast["investigator"].language = "es"
    cast["investigator"].save()
    page = as_user("investigator").get(f"/children/{Target.objects.get().pk}/").content.decode()
    assert "Estado: Se cree que sigue sin aparecer" in page
    assert "enero de 1970" in page


def test_the_intake_page_says_how_many_notes_went_on_timelines(as_user, operation, cast):
    import hashlib
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (Path(__file__).parents[1] / "intake/fixtures/personfinder/test.pfif-1.4.xml"
            ).read_bytes()
    cast["analyst"].language = "es"
    cast["analyst"].save()
    client = as_user("analyst")
    client.post(f"/ops/{operation.slug}/intake/", {
        "file": SimpleUploadedFile("pf.xml", data, content_type="application/xml"),
        "agency": "NCMEC"}, HTTP_HX_REQUEST="true")  # the preview: nothing written yet
    response = client.post(f"/ops/{operation.slug}/intake/", {
        "pending": hashlib.sha256(data).hexdigest(), "agency": "NCMEC", "action": "import"},
        HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "4 notas añadidas a la cronología de los niños (3 pistas por seguir)" in page


def test_the_lists_csv_writes_the_date_of_birth_at_its_precision(as_user, operation,
                                                                  make_target):
    _vague(make_target(first_name="Itzel"), "2007-05")
    response = as_user("coordinator").get(f"/ops/{operation.slug}/children/export.csv")
    text = response.content.decode()
    assert ",2007-05," in text and "2007-05-01" not in text
