"""A worker killed (kill -9) in the middle of an import leaves nothing of the file behind: the job
is reported failed, can be run again, and then imports every row once.

A real `reunite worker` process on its own SQLite database in a temporary data directory.
"""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reunite.linkage.synthetic import COLUMNS, generate

ROWS = 3000
REUNITE = [sys.executable, "-c", "from reunite.cli import main; main()"]

SETUP = """
import datetime as dt, pathlib
from reunite.demo.agencies import create_seed_agencies
from reunite.intake.jobs import queue_intake
from reunite.operations.services import create_operation
agencies = {{a.code: a for a in create_seed_agencies()}}
operation = create_operation(name="Operation Crash", area="Doña Ana County",
    start_date=dt.date(2021, 5, 1), lead_agencies=["HSI"], agencies=["LCPD"])
data = pathlib.Path(r"{path}").read_bytes()
print(queue_intake(operation, agencies["LCPD"], data, file_name="big.csv").pk)
"""

STATE = """
import json
from reunite.children.models import Child, SourceRecord
from reunite.intake.jobs import job_json, retry_job
from reunite.intake.models import ImportBatch, IntakeJob
from reunite.operations.models import Target
job = IntakeJob.objects.get(pk={job})
if {retry}:
    retry_job(job)
print(json.dumps({{"job": job_json(job), "stored": [Child.objects.count(),
    SourceRecord.objects.count(), ImportBatch.objects.count(), Target.objects.count()]}}))
"""


def big_csv(path: Path) -> None:
    registry = generate(ROWS, 10, seed=11).registry
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for index in range(ROWS):
        writer.writerow([registry[column][index] or "" for column in COLUMNS])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def reunite(env, *args, timeout=300) -> str:
    done = subprocess.run([*REUNITE, *args], env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stderr
    return done.stdout


def state(env, job, retry=False) -> dict:
    return json.loads(reunite(env, "shell", "-c", STATE.format(job=job, retry=retry))
                      .strip().splitlines()[-1])


@pytest.fixture
def env(tmp_path):
    environment = {**os.environ, "REUNITE_DATA_DIR": str(tmp_path),
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
                   "REUNITE_MFA": "optional", "REUNITE_INTAKE_JOB_STALE_SECONDS": "2",
                   "DJANGO_SETTINGS_MODULE": "reunite.settings"}
    reunite(environment, "migrate", "--no-input", "-v0")
    return environment


def test_a_worker_killed_mid_import_leaves_no_partial_batch(env, tmp_path):
    big_csv(tmp_path / "big.csv")
    job = int(reunite(env, "shell", "-c", SETUP.format(path=tmp_path / "big.csv")).split()[-1])
    progress = tmp_path / "intake-jobs" / f"{job}.progress.json"
    worker = subprocess.Popen([*REUNITE, "worker", "--no-startup-delay", "-v0"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        stage = None
        while stage != "store" and time.monotonic() < deadline:
            time.sleep(0.005)
            try:
                stage = json.loads(progress.read_text())["stage"]
            except (OSError, ValueError, KeyError):
                continue
        assert stage == "store", "the worker never reached the writing step"
        # Children are being written: kill the worker there, as a power cut would.
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait()
    time.sleep(3)  # longer than the 2 s after which a silent worker counts as dead

    after_crash = state(env, job)

    assert after_crash["stored"] == [0, 0, 0, 0]
    assert after_crash["job"]["status"] == "failed" and after_crash["job"]["retryable"]
    assert "nothing from this file was stored" in after_crash["job"]["error"]

    assert state(env, job, retry=True)["job"]["status"] == "queued"
    reunite(env, "worker", "--batch", "--no-startup-delay", "-v0")

    done = state(env, job)
    assert done["job"]["status"] == "done"
    assert done["job"]["result"]["rows"] == ROWS
    assert done["stored"][1] == ROWS  # every row once
