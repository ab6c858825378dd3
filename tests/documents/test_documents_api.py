"""Photos and documents on a child, through the API: checked by content, cleaned, versioned,
served only to those who may see them, every read and removal audited."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reunite.audit.models import AuditEvent
from reunite.documents.models import Document, DocumentVersion
from tests.api.helpers import refusal
from tests.documents.conftest import jpeg_with_gps, minimal_pdf

pytestmark = pytest.mark.django_db


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_photo(api, role, target, data=None, name="photo.jpg"):
    return api(role).post(f"/api/v1/targets/{target.pk}/photos",
                          {"file": upload(name, data or jpeg_with_gps(), "image/jpeg")},
                          format="multipart")


def post_attachment(api, role, target, data=None, name="order.pdf", **fields):
    return api(role).post(f"/api/v1/targets/{target.pk}/attachments",
                          {"file": upload(name, data or minimal_pdf(), "application/pdf"),
                           **fields}, format="multipart")


def test_a_photo_is_stored_without_location_or_camera_details_and_with_a_thumbnail(api, target):
    response = post_photo(api, "investigator", target)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "photo" and body["version"] == 1 and body["url"]
    version = DocumentVersion.objects.get(document_id=body["id"])
    with version.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG"
        assert len(stored.getexif()) == 0           # no EXIF at all, so no GPS
        assert "exif" not in stored.info
        assert stored.size == (900, 1200)           # turned upright before the EXIF went
    with version.thumbnail.open("rb") as handle:
        assert max(Image.open(io.BytesIO(handle.read())).size) <= 320

    served = api("caseworker").get(body["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"] == "private, no-store"
    assert b"SERIAL-123456" not in b"".join(served.streaming_content)
    assert AuditEvent.objects.filter(action="document.view", child_id=target.child_id,
                                     actor_username="caseworker").exists()


def test_the_type_is_judged_by_content_not_by_name(api, target):
    refusal(post_photo(api, "investigator", target, data=minimal_pdf(), name="face.jpg"),
            400, "file_type", "file")
    refusal(post_photo(api, "investigator", target, data=b"name,dob\nx,y\n", name="face.png"),
            400, "file_type", "file")
    exe = b"MZ" + b"\x90\x00" * 40 + b"This program cannot be run in DOS mode"
    refusal(post_attachment(api, "investigator", target, data=exe, name="order.pdf",
                            title="Custody order"), 400, "file_type", "file")
    assert not DocumentVersion.objects.exists()


def test_size_limits_come_from_settings(api, target, settings):
    settings.REUNITE_MAX_PHOTO_BYTES = 1000
    refusal(post_photo(api, "investigator", target), 413, "file_too_large", "file")
    settings.REUNITE_MAX_ATTACHMENT_BYTES = 50
    refusal(post_attachment(api, "investigator", target, title="Order"), 413, "file_too_large")


def test_a_new_photo_is_a_new_version_and_the_old_one_is_kept(api, target):
    first = post_photo(api, "investigator", target).json()
    second = post_photo(api, "coordinator", target,
                        data=jpeg_with_gps(color=(10, 200, 10))).json()
    assert second["id"] == first["id"] and second["version"] == 2
    old = api("investigator").get(f"/api/v1/documents/{first['id']}/file?version=1")
    assert old.status_code == 200
    versions = DocumentVersion.objects.filter(document_id=first["id"]).order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].sha256 != versions[1].sha256


def test_a_restricted_document_follows_need_to_know(api, target):
    response = post_attachment(api, "caseworker", target, title="Custody order",
                               restricted="true")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["restricted"] is True and body["restriction"] == "foster_care"
    # Investigators return children to CYFD: they have the need; analysts do not.
    assert api("investigator").get(body["url"]).status_code == 200
    refusal(api("analyst").get(body["url"]), 403, "restricted")
    listed = api("analyst").get(f"/api/v1/targets/{target.pk}/attachments").json()
    assert listed == [{**{k: listed[0][k] for k in listed[0]}, "title": None, "url": None,
                       "visible": False}]
    assert listed[0]["restricted"] is True
    assert AuditEvent.objects.filter(action="document.view", outcome="refused",
                                     actor_username="analyst").exists()


def test_only_users_who_may_see_the_child_get_the_file(api, target, elsewhere_target):
    url = post_attachment(api, "investigator", target, title="School record").json()["url"]
    assert api("auditor").get(url).status_code == 200           # oversight sees the record
    refusal(api("pio").get(url), 403, "forbidden")                # aggregates only
    refusal(api("administrator").get(url), 403, "forbidden")      # no children's records
    assert api().get(url).status_code == 401
    # A child on an operation the caller's agency does not work: not found, not forbidden.
    other = Document.objects.create(child=elsewhere_target.child, kind="attachment", title="x")
    refusal(api("investigator").get(f"/api/v1/documents/{other.pk}/file"), 404,
            "unknown_document")


def test_roles_that_do_not_work_cases_cannot_upload(api, target):
    refusal(post_photo(api, "auditor", target), 403, "forbidden")
    refusal(post_photo(api, "pio", target), 403, "forbidden")


def test_removal_is_audited_and_the_file_is_no_longer_served(api, target):
    body = post_attachment(api, "investigator", target, title="Flyer").json()
    response = api("investigator").delete(f"/api/v1/documents/{body['id']}",
                                          {"reason": "wrong child"}, format="json")
    assert response.status_code == 204
    event = AuditEvent.objects.get(action="document.remove")
    assert event.child_id == target.child_id and event.changes["reason"] == "wrong child"
    refusal(api("investigator").get(body["url"]), 404, "document_removed")
    assert DocumentVersion.objects.filter(document_id=body["id"]).exists()  # kept until retention


def test_a_document_without_a_title_is_refused(api, target):
    refusal(post_attachment(api, "investigator", target), 400, "required", "title")


def test_an_upload_that_fails_leaves_no_file_behind(target, cast, monkeypatch, settings):
    from reunite.documents import services

    def broken(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services.log, "record", broken)
    with pytest.raises(RuntimeError):
        services.add_attachment(target, upload("o.pdf", minimal_pdf()), cast["investigator"],
                                title="Order")
    stored = settings.MEDIA_ROOT / "documents"
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))
    assert not Document.objects.exists()


def test_the_childs_record_in_the_api_points_to_the_current_photo(api, target):
    assert api("investigator").get(f"/api/v1/targets/{target.pk}").json()["photo"] is None
    body = post_photo(api, "investigator", target).json()
    photo = api("investigator").get(f"/api/v1/targets/{target.pk}").json()["photo"]
    assert photo["id"] == body["id"] and photo["url"] == body["url"]
    assert api("investigator").get(photo["thumbnail_url"]).status_code == 200
