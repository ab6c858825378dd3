"""`reunite report OPERATION --format json|md|html|pdf [--public] [-o FILE]` (DESIGN.md §4)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from reunite.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_prints_the_public_json_by_slug_or_id(rescue_me):
    operation = rescue_me.operation

    by_slug = json.loads(run(operation.slug, "--format", "json", "--public"))
    by_id = json.loads(run(str(operation.pk), "--format", "json", "--public"))

    for report in (by_slug, by_id):
        assert report["public"] is True and "details" not in report
        assert (report["baseline"], report["found"], report["outstanding"]) == (80, 78, 2)


def test_each_report_leaves_an_audit_event(rescue_me):
    operation = rescue_me.operation
    before = AuditEvent.objects.filter(action="report.generate").count()

    run(operation.slug, "--format", "md", "--public")

    event = AuditEvent.objects.filter(action="report.generate").latest("id")
    assert AuditEvent.objects.filter(action="report.generate").count() == before + 1
    assert event.operation_id == operation.pk
    assert event.changes == {"format": "md", "public": True}


def test_the_command_writes_a_pdf_to_the_file_named(rescue_me, tmp_path):
    path = tmp_path / "rescue-me.pdf"

    run(rescue_me.operation.slug, "--format", "pdf", "-o", str(path))

    assert path.read_bytes().startswith(b"%PDF-")


def test_the_command_writes_html_to_the_file_named(rescue_me, tmp_path):
    path = tmp_path / "rescue-me.html"

    assert run(rescue_me.operation.slug, "--format", "html", "--public", "-o", str(path)) == ""

    assert "Recovery and/or location of 78 missing minors" in path.read_text(encoding="utf-8")


def test_an_unknown_operation_is_refused_by_name(rescue_me):
    with pytest.raises(CommandError, match="unknown_operation"):
        run("operation-nobody-ran", "--format", "json")
