"""Hardening: CSRF, CSP and security headers, secure cookies and HSTS in production, production
settings that refuse to start unsafely, and uploads limited in size and type."""

import io
import os
import subprocess
import sys
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reunite.core.errors import DomainError
from reunite.core.uploads import check_upload

pytestmark = pytest.mark.django_db

GOOD_KEY = "k" * 20 + "-production-secret-0123456789"


def _settings_in_production(**env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, as `reunite serve` would in production."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY",
                                                                    "ALLOWED_HOSTS")}
    environment.update({"REUNITE_ENV": "production", **env})
    code = ("import reunite.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_NAME)")
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize(("env", "refusal"), [
    ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "reunite.example.gov", "DEBUG": "1"}, "DEBUG"),
    ({"ALLOWED_HOSTS": "reunite.example.gov"}, "SECRET_KEY"),
    ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "reunite.example.gov"}, "SECRET_KEY"),
    ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
])
def test_production_refuses_to_start_unsafely(env, refusal):
    result = _settings_in_production(**env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert refusal in result.stderr


def test_production_has_secure_cookies_and_hsts():
    result = _settings_in_production(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="reunite.example.gov")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "31536000", "__Host-sessionid"]


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_are_protected_against_csrf(cast):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/accounts/login/", {"username": "auditor",
                                                 "password": "correct horse battery staple"})

    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session


def test_session_cookie_is_http_only(client, cast):
    from tests.security.conftest import sign_in

    response = sign_in(client, cast["auditor"])

    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"


# Uploads -------------------------------------------------------------------------------------


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("list.csv", b"record_id,first_name\n1,Ana\n", "csv"),
    ("LIST.CSV", "record_id,first_name\n1,Zoé\n".encode(), "csv"),
    ("list.xlsx", _xlsx_bytes(), "xlsx"),
    ("pfif.xml", b"<?xml version='1.0'?><pfif:pfif/>", "xml"),
])
def test_lists_of_children_are_accepted(name, content, kind):
    assert check_upload(SimpleUploadedFile(name, content)) == kind


@pytest.mark.parametrize("name,content", [
    ("tool.exe", b"MZ\x90\x00"),
    ("archive.zip", b"PK\x03\x04"),
    ("list.pdf", b"%PDF-1.7"),
    ("renamed.csv", b"MZ\x90\x00\x03\x00\x00\x00"),      # a binary renamed .csv
    ("renamed.xlsx", b"record_id,first_name\n1,Ana\n"),  # text renamed .xlsx
    ("empty.csv", b""),
])
def test_other_files_are_refused_by_type(name, content):
    with pytest.raises(DomainError) as refusal:
        check_upload(SimpleUploadedFile(name, content))

    assert refusal.value.code == "upload_type"
    assert refusal.value.field == "file"


def test_large_files_are_refused(settings):
    settings.REUNITE_MAX_UPLOAD_BYTES = 1000

    with pytest.raises(DomainError) as refusal:
        check_upload(SimpleUploadedFile("big.csv", b"record_id\n" + b"1\n" * 1000))

    assert refusal.value.code == "upload_too_large"
