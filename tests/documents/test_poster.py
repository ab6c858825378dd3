"""The missing-child poster: bilingual, one page, the public description only, never for a
child already found, every printing audited."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from reunite.audit.models import AuditEvent
from reunite.documents.services import add_photo
from tests.documents.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture
def missing(make_target, cast):
    target = make_target(dob=dt.date(2008, 2, 29))
    child = target.child
    child.height, child.weight, child.eye_color, child.hair_color = "504", "118", "BRO", "BLK"
    child.custody = "cyfd"
    child.risk_factors = ["trafficking_indicators"]
    child.save()
    case = child.local_cases.get()
    case.date_last_contact = dt.date(2021, 4, 20)
    case.last_seen_city, case.last_seen_state = "Las Cruces", "NM"
    case.save()
    add_photo(target, SimpleUploadedFile("p.jpg", jpeg_with_gps()), cast["investigator"])
    return target


def test_the_poster_is_one_bilingual_page_with_the_public_description(missing, tmp_path):
    out = tmp_path / "poster.pdf"
    call_command("poster", str(missing.pk), "-o", str(out))
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in ("MISSING", "DESAPARECIDO", "Guadalupe Hernández Ortiz", "Las Cruces, NM",
                     "Apr 20, 2021", "5′04″", "118 lbs", "Brown", "Cafés", "Black", "Negro",
                     "Las Cruces Police Department", "21-00001", "Edad actual"):
        assert expected in text, expected
    # Restricted information never reaches a poster.
    for restricted in ("CYFD", "foster", "Trafficking", "trafficking"):
        assert restricted not in text
    assert reader.pages[0].images, "the photo is on the poster"
    event = AuditEvent.objects.get(action="poster.print")
    assert event.child_id == missing.child_id


def test_no_poster_for_a_child_already_found(found_target, tmp_path):
    with pytest.raises(CommandError, match="child_found"):
        call_command("poster", str(found_target.pk), "-o", str(tmp_path / "p.pdf"))
    assert not (tmp_path / "p.pdf").exists()
    assert not AuditEvent.objects.filter(action="poster.print").exists()


def test_the_button_on_the_childs_page(as_user, missing, found_target):
    client = as_user("investigator")
    page = client.get(f"/children/{missing.pk}/").content.decode()
    assert f"/children/{missing.pk}/poster.pdf" in page
    response = client.get(f"/children/{missing.pk}/poster.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    page = client.get(f"/children/{found_target.pk}/").content.decode()
    assert "poster.pdf" not in page
    refused = client.get(f"/children/{found_target.pk}/poster.pdf")
    assert refused.status_code == 409 and "still missing" in refused.content.decode()
    assert as_user("auditor").get(f"/children/{missing.pk}/poster.pdf").status_code == 403
