"""Retention: records go when every operation they belong to lets them go, leaving tombstones
and audit events, with the audit chain whole and no file left behind."""

import datetime as dt
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from reunite.audit.log import verify_chain
from reunite.audit.models import AuditEvent
from reunite.children.models import Child, LocalCase, MatchReview, NCICEntry, SourceRecord
from reunite.documents.models import Document, DocumentVersion
from reunite.documents.services import add_attachment
from reunite.intake.models import ImportBatch
from reunite.operations.models import Activity, Target
from reunite.operations.services import log_activity, put_on_list
from reunite.reports.compute import build_report
from reunite.retention.models import RetentionPolicy, Tombstone

pytestmark = pytest.mark.django_db
END = dt.date(2021, 7, 15)


@pytest.fixture
def closed(operation, found_target, make_target, other_operation, agencies, cast):
    """An operation that ended on 15 July 2021: a recovered child with everything on file, and a
    child also on an ongoing operation's list."""
    operation.end_date = END
    operation.save()
    RetentionPolicy.objects.create(operation=operation, source_rows_days=30,
                                   attachments_days=60, children_days=90)
    child = found_target.child
    batch = ImportBatch.objects.create(
        operation=operation, agency=agencies["LCPD"], file_name="lcpd.csv", file_sha256="a" * 64,
        format="csv", rejected=[{"row": 3, "record_id": "LC-9", "field": "dob",
                                 "reason": "'13/45/2009' is not a date"}])
    SourceRecord.objects.create(child=child, agency=agencies["LCPD"], batch=batch,
                                record_id="LC-1", data={"first_name": "Guadalupe"},
                                fields={"first_name": "Guadalupe"}, content_hash="h1")
    default_storage.save(f"intake/{operation.pk}/{'a' * 64}.csv", ContentFile(b"record_id\n"))
    add_attachment(found_target, SimpleUploadedFile("o.pdf", b"%PDF-1.4\n%%EOF\n"),
                   cast["investigator"], title="Custody order")
    log_activity(found_target, kind="note", summary="Seen at 123 Calle Luna",
                 user=cast["investigator"])
    held = make_target(first_name="Marisol", last_name="Held")
    put_on_list(other_operation, held.child, added_on=dt.date(2021, 9, 1))
    other = Child.objects.create(first_name="Otra", last_name="Niña")
    MatchReview.objects.create(operation=operation, child_a=child, child_b=other,
                               match_probability=0.5)
    storages["documents"].save("documents/999/orphan.jpg", ContentFile(b"x"))
    return {"found": found_target, "held": held, "batch": batch}


def _run(*args):
    out = io.StringIO()
    call_command("retention", *args, "--json", stdout=out)
    return {(s["kind"], s["operation"]): s for s in json.loads(out.getvalue())}


def test_a_dry_run_lists_what_would_go_and_changes_nothing(closed, operation):
    steps = _run("--dry-run", "--today", "2021-12-01")
    assert steps[("children", operation.slug)]["items"] == [f"child:{closed['found'].child_id}"]
    # The row, the file kept for its rejected rows, and the rejections (they quote values).
    assert steps[("source_rows", operation.slug)]["count"] == 3
    assert steps[("attachments", operation.slug)]["count"] == 1
    assert steps[("orphan_files", None)]["items"] == ["file:documents:documents/999/orphan.jpg"]
    assert Tombstone.objects.count() == 0
    assert SourceRecord.objects.count() == 1 and Document.objects.count() == 1
    assert storages["documents"].exists("documents/999/orphan.jpg")


def test_apply_anonymises_the_child_and_keeps_the_figures(
        closed, operation, django_capture_on_commit_callbacks):
    before = build_report(operation, public=True)
    file_name = DocumentVersion.objects.get().file.name
    found, held = closed["found"], closed["held"]

    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows are gone
        _run("--apply", "--today", "2021-12-01")

    child = Child.objects.get(pk=found.child_id)
    assert (child.first_name, child.last_name, child.dob, child.aliases) == ("", "", None, [])
    assert not NCICEntry.objects.filter(child=child).exists()
    assert not LocalCase.objects.filter(child=child).exists()
    assert not SourceRecord.objects.filter(child=child).exists()
    assert not Activity.objects.filter(target=found).exists()
    assert not MatchReview.objects.exists()
    assert Target.objects.get(pk=found.pk).status == "recovered"
    after = build_report(operation, public=True)
    assert (after["recovered"], after["located"], after["outstanding"]) == (
        before["recovered"], before["located"], before["outstanding"])
    # The child also on an ongoing operation's list keeps everything.
    assert Child.objects.get(pk=held.child_id).first_name == "Marisol"
    assert NCICEntry.objects.filter(child_id=held.child_id).exists()
    # Files are gone from the disk, tombstones say what went under which rule.
    assert not storages["documents"].exists(file_name)
    assert not storages["documents"].exists("documents/999/orphan.jpg")
    assert not default_storage.exists(f"intake/{operation.pk}/{'a' * 64}.csv")
    rejected = ImportBatch.objects.get(pk=closed["batch"].pk).rejected
    assert rejected[0]["row"] == 3 and "13/45/2009" not in json.dumps(rejected)
    stone = Tombstone.objects.get(kind="child")
    assert stone.object_id == str(found.child_id) and stone.action == "anonymised"
    assert stone.rule == "children_days=90 after 2021-07-15"
    assert "Guadalupe" not in json.dumps(list(Tombstone.objects.values("details")))
    assert set(AuditEvent.objects.filter(action__startswith="retention.")
               .values_list("action", flat=True)) == {
        "retention.children", "retention.source_rows", "retention.attachments",
        "retention.orphan_files"}
    assert verify_chain() == []
    # A second run finds nothing more to do.
    assert _run("--apply", "--today", "2021-12-01") == {}


def test_each_kind_goes_on_its_own_day(closed, operation):
    steps = _run("--apply", "--today", "2021-08-20")  # 36 days after the end
    assert set(steps) == {("source_rows", operation.slug), ("orphan_files", None)}
    assert Child.objects.get(pk=closed["found"].child_id).first_name == "Guadalupe"
    assert Document.objects.count() == 1


def test_an_ongoing_operation_keeps_everything(operation, found_target):
    assert _run("--dry-run") == {}


def test_the_audit_period_never_goes_below_the_legal_minimum(operation, settings):
    with pytest.raises(CommandError, match="legal minimum"):
        call_command("retention", "--policy", operation.slug, "--audit-days", "30")
    policy = RetentionPolicy.objects.create(operation=operation, audit_days=10)
    assert policy.audit_days == settings.REUNITE_AUDIT_RETENTION_DAYS
    out = io.StringIO()
    call_command("retention", "--policy", operation.slug, "--children-days", "400", stdout=out)
    assert "children_days: 400" in out.getvalue()
    assert AuditEvent.objects.filter(action="retention.policy").exists()


def test_the_public_threshold_is_set_per_operation(operation):
    call_command("retention", "--policy", operation.slug, "--public-min-cell", "10",
                 stdout=io.StringIO())
    operation.refresh_from_db()
    assert operation.public_min_cell == 10
    with pytest.raises(CommandError, match="at least 3"):
        call_command("retention", "--policy", operation.slug, "--public-min-cell", "1")
