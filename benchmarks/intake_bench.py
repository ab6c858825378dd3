"""Imports at scale: a 100,000-row file, one row against 100,000 known children, and the API
while a big import runs in the worker.

1. A CSV of 100,000 new children (synthetic, seeded: region-shaped names, families, a fifth with
   an NCIC number, half with a local case) imported by `reunite intake … --json`, as a user runs
   it: wall time and the process's peak memory (its own max RSS, from wait4).
2. A one-row file imported into that database (100,000 children known), by the CLI (process
   start included) and by run_intake in a warm process (what the page and API pay).
3. Another 100,000-row file queued as a background job and run by `reunite worker` while this
   process reads the API (the list, a child, the job) as fast as it can: p50/p95/max and errors.

Writes benchmarks/results.json (key "intake") and the block between <!-- intake:start --> and
<!-- intake:end --> in BENCHMARKS.md. Targets (issues 9 and 12): ≤ 60 s and ≤ 1 GB for 1; ≤ 2 s
for 2; 0 errors and p95 ≤ 1 s for 3.

    .venv/bin/python benchmarks/intake_bench.py [--rows 100000] [--quick] [--keep DIR]
"""

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
MARKDOWN = ROOT / "BENCHMARKS.md"
START, END = "<!-- intake:start -->", "<!-- intake:end -->"
TARGET_SECONDS, TARGET_MB, TARGET_ONE_ROW, TARGET_P95_MS = 60, 1024, 2.0, 1000
REUNITE = [sys.executable, "-c", "from reunite.cli import main; main()"]
CPU_SECONDS: dict[tuple, float] = {}


def environment(folder: Path, database_url: str | None) -> dict:
    # REUNITE_INTAKE_READ_SECONDS bounds reading and checking a file in wall-clock time (60 s,
    # against hostile files); on a shared, busy machine the benchmark's own 100,000 rows can
    # need longer, and the time is measured and reported anyway.
    return {**os.environ, "REUNITE_DATA_DIR": str(folder), "REUNITE_MFA": "optional",
            "REUNITE_INTAKE_READ_SECONDS": os.environ.get("REUNITE_INTAKE_READ_SECONDS", "600"),
            "DATABASE_URL": database_url or f"sqlite:///{folder / 'intake_bench.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "reunite.settings", "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver,127.0.0.1"}


def write_file(path: Path, rows: int, *, seed: int, prefix: str) -> None:
    """`rows` synthetic children in the intake format (record ids `prefix`-n)."""
    sys.path.insert(0, str(ROOT))
    from reunite.linkage.synthetic import COLUMNS, generate

    registry = generate(max(rows, 100), 1, seed=seed).registry
    header = [c for c in COLUMNS if c not in ("ncic_nic", "local_agency", "local_case_number")]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*header, "ncic_nic", "local_agency", "local_case_number"])
    for index in range(rows):
        nic = f"M{seed % 10}{index:08d}" if index % 5 == 0 else ""
        case = f"{prefix}-{index:07d}" if index % 2 == 0 else ""
        writer.writerow([f"{prefix}-{index}" if c == "record_id" else registry[c][index] or ""
                         for c in header] + [nic, "LCPD" if case else "", case])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def timed_process(args: list[str], env: dict) -> tuple[float, float, str]:
    """Run a command; its wall seconds, its own peak RSS in MB, and its stdout. The CPU seconds
    it used are added to CPU_SECONDS[args] (a busy machine inflates wall time, not CPU time)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        CPU_SECONDS[tuple(args)] = round(usage.ru_utime + usage.ru_stime, 1)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
        err.seek(0)
        errors = err.read().decode(errors="replace")
    if process.returncode:
        raise SystemExit(f"{args[3:]} failed ({process.returncode}): {text[-500:]}"
                         f"{errors[-1500:]}")
    return seconds, usage.ru_maxrss / 1024, text


def setup_database(env: dict) -> None:
    subprocess.run([*REUNITE, "migrate", "--no-input", "-v0"], env=env, check=True)
    subprocess.run([*REUNITE, "shell", "-c", """
import datetime as dt
from reunite.accounts.models import User
from reunite.demo.agencies import create_seed_agencies
from reunite.operations.services import create_operation
agencies = {a.code: a for a in create_seed_agencies()}
create_operation(name="Operation Bench", area="Doña Ana County", start_date=dt.date(2021, 5, 1),
                 lead_agencies=["HSI"], agencies=["LCPD", "DASO", "APD"])
User.objects.create_user(username="coordinator", password="x" * 16, role="coordinator",
                         agency=agencies["HSI"])
"""], env=env, check=True)


def one_row_in_process(env: dict, path: Path) -> tuple[float, float]:
    """run_intake of a one-row file in a warm process (the model compiled once already)."""
    os.environ.update({k: env[k] for k in ("REUNITE_DATA_DIR", "DATABASE_URL", "REUNITE_MFA",
                                           "DJANGO_SETTINGS_MODULE", "DEBUG", "ALLOWED_HOSTS")})
    import django

    django.setup()
    from reunite.agencies.models import Agency
    from reunite.intake.services import run_intake
    from reunite.linkage.engine import compiled_model
    from reunite.operations.models import Operation

    compiled_model("duckdb")
    operation, agency = Operation.objects.get(slug="operation-bench"), Agency.objects.get(
        code="APD")
    started, cpu = time.perf_counter(), time.process_time()
    batch = run_intake(operation, agency, path.read_bytes(), file_name=path.name)
    assert batch.rows == 1, batch.summary()
    return time.perf_counter() - started, time.process_time() - cpu


def api_during_import(env: dict, path: Path, folder: Path) -> dict:
    """Queue `path` as a job, run a worker, and read the API until the job is done."""
    from django.test import Client

    from reunite.accounts.models import User
    from reunite.agencies.models import Agency
    from reunite.intake.jobs import queue_intake
    from reunite.intake.models import IntakeJob
    from reunite.operations.models import Operation, Target

    operation = Operation.objects.get(slug="operation-bench")
    job = queue_intake(operation, Agency.objects.get(code="DASO"), path.read_bytes(),
                       file_name=path.name)
    client = Client()
    client.force_login(User.objects.get(username="coordinator"))
    target = Target.objects.filter(operation=operation).order_by("pk").first()
    urls = [f"/api/v1/operations/{operation.pk}/targets/", f"/api/v1/targets/{target.pk}/",
            f"/api/v1/intake-jobs/{job.pk}/"]
    worker = subprocess.Popen([*REUNITE, "worker", "--no-startup-delay", "-v0"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timings, errors, statuses = [], 0, {}
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < 900:
            for url in urls:
                began = time.perf_counter()
                try:
                    code = client.get(url).status_code
                except Exception as error:  # a locked database raises through the test client
                    code = type(error).__name__
                timings.append((time.perf_counter() - began) * 1000)
                statuses[str(code)] = statuses.get(str(code), 0) + 1
                errors += code != 200
            time.sleep(0.2)
            try:
                if IntakeJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists():
                    break
            except Exception:  # the database locked by the import: ask again
                continue
    finally:
        worker.terminate()
        worker.wait()
    job.refresh_from_db()
    timings.sort()
    return {"job_status": job.status, "job_seconds": round(time.perf_counter() - started, 1),
            "requests": len(timings), "errors": errors, "statuses": statuses,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
            "max_ms": round(timings[-1], 1)}


NOTES = [
    "Where a large import's time goes: reading and checking the rows, the rules, the linkage "
    "engine, then one write transaction. The engine's share is the largest and is not intake's: "
    "the new rows compared with each other (deduplication within the file) come to about 5.4 "
    "million blocked pairs for this synthetic file (its names repeat by region and family), "
    "scored by DuckDB in some 25 CPU seconds; intake's own Python work is about as much "
    "again. The peak memory is reached in that same step (DuckDB's working memory for "
    "the pairs, on top of the rows held by the import). The engine scores one blocking rule's "
    "pairs at a time (two rules at once, one per core): scoring the union of all 27 rules in "
    "one statement held every rule's hash table and the pairs at once, 1.3 GB at the peak.",
    "",
    "On PostgreSQL the same import takes longer (98 s, 78 CPU seconds in the importing process, "
    "on a quiet machine): the rows go out as multi-row INSERTs through psycopg, whose per-value "
    "work the SQLite driver does not have; not yet profiled further. The ≤ 60 s target is "
    "checked on the embedded default. The API's p95 during a PostgreSQL import is within its "
    "target, but its slowest read took 10.8 s; its cause is not known yet (noted on issue 9).",
]


def write_outputs(section: dict) -> None:
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    # The API-during-import reads of each database measured (issue 12 asks for both): a run on
    # one database keeps the other's last result.
    previous = existing.get("intake", {})
    by_database = dict(previous.get("api_by_database", {}))
    by_database[section["database"]] = {**section["api_during_import"], "load": section["load"]}
    runs = dict(previous.get("runs", {}))
    if "database" in previous and previous["database"] not in runs:
        runs[previous["database"]] = {k: v for k, v in previous.items()
                                      if k not in ("api_by_database", "runs")}
    runs[section["database"]] = dict(section)
    # The embedded default heads the table; the other database's import is a row of its own.
    head = runs.get("sqlite", section)
    existing["intake"] = {**head, "api_by_database": by_database, "runs": runs}
    RESULTS.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    section = existing["intake"]
    big, one, api = section["big_file"], section["one_row"], section["api_during_import"]
    other_imports = [
        f"| … the same import on {database} (its own run, load average {run['load']}): time, "
        f"peak memory | {run['big_file']['seconds']} s (CPU {run['big_file']['cpu_seconds']} s), "
        f"{run['big_file']['peak_mb']} MB | | |"
        for database, run in sorted(runs.items()) if database != section["database"]]

    def ok(good: bool) -> str:
        return "yes" if good else "**no**"

    lines = [
        START, "",
        f"{section['rows']:,}-row CSV of new children, {section['database']}, {section['cores']} "
        f"cores (load average {section['load']} when measured: wall times on a shared machine "
        "grow with its load, CPU times do not). Peak memory is the importing process's own "
        "maximum RSS.", "",
        "| measurement | result | target | met |", "|---|---|---|---|",
        f"| `reunite intake` of {section['rows']:,} rows: time | {big['seconds']} s "
        f"(CPU {big['cpu_seconds']} s) | "
        f"≤ {TARGET_SECONDS} s | {ok(big['seconds'] <= TARGET_SECONDS)} |",
        f"| … peak memory | {big['peak_mb']} MB | ≤ {TARGET_MB} MB | "
        f"{ok(big['peak_mb'] <= TARGET_MB)} |",
        *other_imports,
        f"| one-row import, {one['known']:,} children known: run_intake in a warm process | "
        f"{one['in_process_seconds']} s (CPU {one['in_process_cpu_seconds']} s) | "
        f"≤ {TARGET_ONE_ROW} s | "
        f"{ok(one['in_process_seconds'] <= TARGET_ONE_ROW)} |",
        f"| … the same by `reunite intake` (process start included) | {one['cli_seconds']} s "
        f"(CPU {one['cli_cpu_seconds']} s), {one['cli_peak_mb']} MB | | |",
        f"| API reads during a {section['rows']:,}-row import in the worker: p95 | "
        f"{api['p95_ms']} ms (p50 {api['p50_ms']}, max {api['max_ms']}) | ≤ {TARGET_P95_MS} ms "
        f"| {ok(api['p95_ms'] <= TARGET_P95_MS)} |",
        f"| … errors | {api['errors']} of {api['requests']} ({api['statuses']}) | 0 | "
        f"{ok(api['errors'] == 0)} |",
        f"| … the background import itself | {api['job_status']} in {api['job_seconds']} s | "
        "| |",
        *[f"| … the same on {database} (its own run, load average {other['load']}): p95, errors | "
          f"{other['p95_ms']} ms (p50 {other['p50_ms']}, max {other['max_ms']}), "
          f"{other['errors']} of {other['requests']} errors | ≤ {TARGET_P95_MS} ms, 0 | "
          f"{ok(other['p95_ms'] <= TARGET_P95_MS and other['errors'] == 0)} |"
          for database, other in sorted(section["api_by_database"].items())
          if database != section["database"]],
        f"| after the {section['rows']:,}-row import: the worker storing its records' blocking "
        f"keys (once; imports meanwhile compare with every record) | "
        f"{big['keys_index_seconds']} s (CPU {big['keys_index_cpu_seconds']} s), "
        f"{big['keys_index_peak_mb']} MB | | |",
        "", *NOTES, "", END,
    ]
    block = "\n".join(lines)
    text = MARKDOWN.read_text() if MARKDOWN.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n## Imports\n\n" + block + "\n"
    MARKDOWN.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 rows")
    parser.add_argument("--database-url", help="an empty database, e.g. PostgreSQL")
    parser.add_argument("--keep", metavar="DIR", help="keep the data directory in DIR")
    arguments, _others = parser.parse_known_args()  # `make bench` passes other scripts' flags
    rows = 10_000 if arguments.quick else arguments.rows
    with tempfile.TemporaryDirectory(prefix="reunite-intake-bench-") as scratch:
        folder = Path(arguments.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        env = environment(folder, arguments.database_url)
        setup_database(env)
        big, second, one = folder / "big.csv", folder / "second.csv", folder / "one.csv"
        write_file(big, rows, seed=1, prefix="L")
        write_file(second, rows, seed=2, prefix="D")
        write_file(one, 1, seed=3, prefix="A")
        print(f"  importing {rows:,} rows…", file=sys.stderr, flush=True)
        seconds, peak, out = timed_process(
            [*REUNITE, "intake", "operation-bench", str(big), "--source", "LCPD", "--json"], env)
        summary = json.loads(out.strip().splitlines()[-1])
        big_result = {"seconds": round(seconds, 1), "peak_mb": round(peak),
                      "cpu_seconds": CPU_SECONDS.popitem()[1],
                      "summary": {k: v if k != "rejected" else len(v)
                                  for k, v in summary.items()}}
        print(f"  {big_result}", file=sys.stderr, flush=True)
        # The worker stores the new records' blocking keys (queued by the import).
        index_seconds, index_peak, _ = timed_process(
            [*REUNITE, "worker", "--batch", "--no-startup-delay", "-v0"], env)
        big_result.update(keys_index_seconds=round(index_seconds, 1),
                          keys_index_peak_mb=round(index_peak),
                          keys_index_cpu_seconds=CPU_SECONDS.popitem()[1])
        cli_seconds, cli_peak, _ = timed_process(
            [*REUNITE, "intake", "operation-bench", str(one), "--source", "SPPD", "--json"],
            env)
        cli_cpu = CPU_SECONDS.popitem()[1]
        write_file(one, 1, seed=4, prefix="B")
        in_process, in_process_cpu = one_row_in_process(env, one)
        one_result = {"known": rows, "in_process_seconds": round(in_process, 2),
                      "in_process_cpu_seconds": round(in_process_cpu, 2),
                      "cli_seconds": round(cli_seconds, 2), "cli_cpu_seconds": cli_cpu,
                      "cli_peak_mb": round(cli_peak)}
        print(f"  {one_result}", file=sys.stderr, flush=True)
        api = api_during_import(env, second, folder)
        print(f"  {api}", file=sys.stderr, flush=True)
        from django.db import connection

        write_outputs({"rows": rows, "database": connection.vendor, "cores": os.cpu_count(),
                       "load": round(os.getloadavg()[0], 1), "big_file": big_result,
                       "one_row": one_result, "api_during_import": api})
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
