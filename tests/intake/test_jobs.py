"""Big files as background jobs: queued → running → done, the same result as importing at once,
nothing stored by a job that fails, and a job seen only by those who may import into its
operation."""

import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction

from reunite.children.models import Child, SourceRecord
from reunite.core.errors import DomainError
from reunite.intake.jobs import intake_summary, job_json, queue_intake, run_job
from reunite.intake.models import ImportBatch, IntakeJob
from reunite.intake.services import run_intake
from reunite.operations.models import Target
from tests.conftest import write_csv

HEADER = ["record_id", "first_name", "last_name", "second_last_name", "sex", "dob", "ncic_nic",
          "local_case_number"]
ROWS = [
    ["LC-1", "Guadalupe", "Hernández", "Ortiz", "F", "2006-03-14", "M000000101", ""],
    ["LC-2", "Itzel", "Domínguez", "", "F", "13/45/2009", "", "21-00002"],
    ["LC-3", "Brenda", "Ruiz", "Luna", "F", "2008-07-04", "", "21-00003"],
    ["LC-4", "Lupita", "Hernandez", "Ortiz", "F", "2006-03-14", "", ""],
]


@pytest.fixture(autouse=True)
def _small_background_threshold(settings, tmp_path):
    settings.REUNITE_INTAKE_BACKGROUND_ROWS = 2
    settings.REUNITE_INTAKE_JOBS_DIR = tmp_path / "intake-jobs"


def csv_file(tmp_path, rows=ROWS):
    path = tmp_path / "lcpd.csv"
    write_csv(path, HEADER, rows)
    return path


def work_the_queue():
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)


def stored_counts():
    return (Child.objects.count(), SourceRecord.objects.count(), ImportBatch.objects.count(),
            Target.objects.count())


def upload(client, operation, path):
    with open(path, "rb") as handle:
        return client.post(f"/api/v1/operations/{operation.pk}/intake",
                           {"file": handle, "source": "LCPD"}, format="multipart")


def test_a_big_file_is_queued_then_imported_by_the_worker_as_an_inline_import_would(
    api, operation, agencies, tmp_path
):
    path = csv_file(tmp_path)
    with transaction.atomic():  # what importing at once gives, then forgotten
        inline = intake_summary(run_intake(operation, agencies["LCPD"], path.read_bytes(),
                                           file_name=path.name))
        inline_children = sorted(Child.objects.values_list("first_name", "last_name", "dob"))
        transaction.set_rollback(True)
    assert stored_counts() == (0, 0, 0, 0)

    response = upload(api("coordinator"), operation, path)

    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["status"], job["progress"], job["result"], job["rows"]) == ("queued", 0.0, None, 4)
    assert stored_counts() == (0, 0, 0, 0)
    follow = api("coordinator").get(f"/api/v1/intake-jobs/{job['id']}")
    assert follow.status_code == 200 and follow.json()["status"] == "queued"

    work_the_queue()

    done = api("coordinator").get(f"/api/v1/intake-jobs/{job['id']}/").json()
    assert (done["status"], done["progress"], done["error"]) == ("done", 1.0, None)
    assert done["result"] == inline
    assert (inline["new_children"], inline["matched"], len(inline["rejected"])) == (2, 1, 1)
    assert sorted(Child.objects.values_list("first_name", "last_name", "dob")) == inline_children
    # The file waited in the data directory only until the import was done.
    assert not list((tmp_path / "intake-jobs").iterdir())


def test_a_job_moves_through_running_with_progress_the_api_can_read(
    api, operation, agencies, tmp_path, monkeypatch
):
    from reunite.intake import store

    job = queue_intake(operation, agencies["LCPD"], csv_file(tmp_path).read_bytes(),
                       file_name="lcpd.csv")
    seen = {}
    real_store_rows = store.store_rows

    def store_and_look(*args, **kwargs):
        # Half-way through the import, as a page or an API client would see it.
        seen["job"] = job_json(IntakeJob.objects.get(pk=job.pk))
        return real_store_rows(*args, **kwargs)

    monkeypatch.setattr("reunite.intake.services.store_rows", store_and_look)

    run_job(job.pk)

    assert seen["job"]["status"] == "running"
    assert 0.35 <= seen["job"]["progress"] < 1.0 and seen["job"]["result"] is None
    assert job_json(IntakeJob.objects.get(pk=job.pk))["status"] == "done"


def test_the_worker_reads_with_its_own_longer_bound_than_a_request(
    operation, agencies, tmp_path, settings
):
    # A page or API request must give its web worker back soon; the worker may take its time.
    settings.REUNITE_INTAKE_READ_SECONDS = 0
    settings.REUNITE_INTAKE_JOB_READ_SECONDS = 600
    data = csv_file(tmp_path).read_bytes()
    with pytest.raises(DomainError) as refusal:
        run_intake(operation, agencies["LCPD"], data, file_name="lcpd.csv", dry_run=True)
    assert refusal.value.code == "file_too_slow"

    job = queue_intake(operation, agencies["LCPD"], data, file_name="lcpd.csv")
    run_job(job.pk)
    assert job_json(IntakeJob.objects.get(pk=job.pk))["status"] == "done"


def test_a_job_that_fails_half_way_stores_nothing_and_can_be_run_again(
    api, operation, agencies, tmp_path, monkeypatch
):
    from reunite.intake import store

    def explode(*args, **kwargs):
        raise OSError("disk full")

    real_refresh = store.refresh_search_texts
    path = csv_file(tmp_path)
    job_id = upload(api("coordinator"), operation, path).json()["id"]
    # The last write of an import: children, records and list entries are already written.
    monkeypatch.setattr(store, "refresh_search_texts", explode)

    work_the_queue()

    failed = api("coordinator").get(f"/api/v1/intake-jobs/{job_id}").json()
    assert failed["status"] == "failed" and "disk full" in failed["error"]
    assert failed["retryable"] is True and failed["result"] is None
    assert stored_counts() == (0, 0, 0, 0)

    monkeypatch.setattr(store, "refresh_search_texts", real_refresh)
    retried = api("coordinator").post(f"/api/v1/intake-jobs/{job_id}/retry")
    assert retried.status_code == 202 and retried.json()["status"] == "queued"
    work_the_queue()

    done = api("coordinator").get(f"/api/v1/intake-jobs/{job_id}").json()
    assert done["status"] == "done" and done["result"]["new_children"] == 2
    assert stored_counts()[0] == 2


def test_a_file_the_import_refuses_fails_its_job_with_the_reason(operation, agencies):
    job = queue_intake(operation, agencies["LCPD"], b"\x00\x01binary" * 3, file_name="x.xlsx")

    run_job(job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and job.error.startswith("invalid_file")
    assert stored_counts() == (0, 0, 0, 0)


def test_a_job_is_seen_only_by_who_may_import_into_its_operation(
    api, operation, other_operation, agencies, tmp_path
):
    job = queue_intake(operation, agencies["LCPD"], csv_file(tmp_path).read_bytes(),
                       file_name="lcpd.csv")
    elsewhere = queue_intake(other_operation, agencies["NMSP"],
                             csv_file(tmp_path).read_bytes(), file_name="nmsp.csv")

    assert api("analyst").get(f"/api/v1/intake-jobs/{job.pk}").status_code == 200
    assert api("investigator").get(f"/api/v1/intake-jobs/{job.pk}").status_code == 403
    assert api().get(f"/api/v1/intake-jobs/{job.pk}").status_code == 401
    hidden = api("coordinator").get(f"/api/v1/intake-jobs/{elsewhere.pk}")
    assert hidden.status_code == 404 and hidden.json()["error"] == "unknown_operation"
    missing = api("coordinator").get("/api/v1/intake-jobs/999999")
    assert missing.status_code == 404 and missing.json()["error"] == "unknown_job"
    refused = api("investigator").post(f"/api/v1/intake-jobs/{job.pk}/retry")
    assert refused.status_code == 403


def test_a_small_file_is_still_imported_in_the_request(api, operation, tmp_path):
    response = upload(api("coordinator"), operation, csv_file(tmp_path, ROWS[:2]))

    assert response.status_code == 201 and response.json()["rows"] == 2
    assert not IntakeJob.objects.exists()


def test_the_cli_queues_with_background_and_keeps_the_json_contract(operation, tmp_path):
    path = csv_file(tmp_path)
    out = io.StringIO()

    call_command("intake", operation.slug, str(path), "--source", "LCPD", "--background",
                 "--json", stdout=out)

    printed = json.loads(out.getvalue())
    assert set(printed) == {"rows", "new_children", "matched", "review", "rejected", "job"}
    assert printed["job"]["status"] == "queued" and stored_counts() == (0, 0, 0, 0)
    work_the_queue()
    assert IntakeJob.objects.get(pk=printed["job"]["id"]).result["new_children"] == 2


def test_the_cli_imports_a_big_file_at_once_without_background(operation, tmp_path, capsys):
    out = io.StringIO()

    call_command("intake", operation.slug, str(csv_file(tmp_path)), "--source", "LCPD",
                 "--json", stdout=out)

    assert json.loads(out.getvalue())["new_children"] == 2
    assert not IntakeJob.objects.exists()
    assert "store" in capsys.readouterr().err  # the progress bars, on stderr


def test_the_intake_page_queues_a_big_file_and_follows_it_to_its_result(
    client, cast, operation, tmp_path
):
    client.force_login(cast["coordinator"])
    path = csv_file(tmp_path)
    with open(path, "rb") as handle:
        preview = client.post(f"/ops/{operation.slug}/intake/",
                              {"file": handle, "agency": "LCPD", "format": ""},
                              HTTP_HX_REQUEST="true")
    assert preview.status_code == 200 and not IntakeJob.objects.exists()  # nothing yet
    page = client.post(f"/ops/{operation.slug}/intake/", {
        "pending": hashlib.sha256(path.read_bytes()).hexdigest(), "agency": "LCPD",
        "action": "import"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    job = IntakeJob.objects.get()
    poll = f"/ops/{operation.slug}/intake/jobs/{job.pk}/"
    assert poll in page.content.decode() and 'hx-trigger="every 2s"' in page.content.decode()

    work_the_queue()

    result = client.get(poll, HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in result and "lcpd.csv" in result
    assert "13/45/2009" in result or "LC-2" in result  # the rejected row, named
