"""The child's page: the photo through the access-checked view, forms to add and remove."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reunite.documents.models import Document
from tests.documents.conftest import jpeg_with_gps, minimal_pdf

pytestmark = pytest.mark.django_db


def test_a_photo_uploaded_on_the_page_shows_through_the_checked_view(as_user, target):
    client = as_user("investigator")
    page = client.get(f"/children/{target.pk}/")
    assert "No photo on file" in page.content.decode()
    response = client.post(f"/children/{target.pk}/photos/",
                           {"file": SimpleUploadedFile("me.jpg", jpeg_with_gps())})
    assert response.status_code == 302
    html = client.get(f"/children/{target.pk}/").content.decode()
    document = Document.objects.get(child=target.child, kind="photo")
    assert f'src="/api/v1/documents/{document.pk}/file?thumbnail=1"' in html
    assert "/media/" not in html
    image = client.get(f"/api/v1/documents/{document.pk}/file?thumbnail=1")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_a_restricted_document_shows_only_that_it_exists_to_roles_without_the_need(
        as_user, client, target, cast):
    client = as_user("caseworker")
    client.post(f"/children/{target.pk}/attachments/",
                {"title": "Placement order", "restriction": "foster_care",
                 "file": SimpleUploadedFile("order.pdf", minimal_pdf())})
    assert "Placement order" in client.get(f"/children/{target.pk}/").content.decode()
    client.force_login(cast["analyst"])
    html = client.get(f"/children/{target.pk}/").content.decode()
    assert "Placement order" not in html
    assert "A document exists that your role may not open." in html


def test_a_file_that_is_not_a_photo_is_refused_on_the_page_with_the_reason(as_user, target):
    client = as_user("investigator")
    response = client.post(f"/children/{target.pk}/photos/",
                           {"file": SimpleUploadedFile("me.jpg", b"not an image at all")},
                           follow=True)
    assert "This is not a photo" in response.content.decode()
    assert not Document.objects.exists()


def test_removing_on_the_page(as_user, target):
    client = as_user("investigator")
    client.post(f"/children/{target.pk}/attachments/",
                {"title": "Flyer", "file": SimpleUploadedFile("f.pdf", minimal_pdf())})
    document = Document.objects.get()
    client.post(f"/children/{target.pk}/documents/{document.pk}/remove/")
    document.refresh_from_db()
    assert document.removed
    assert "Flyer" not in client.get(f"/children/{target.pk}/").content.decode()
