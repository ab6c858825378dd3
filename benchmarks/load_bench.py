"""The API under load: many clients at once on the list, search and a child, through the production
server (`reunite serve`), with `reunite audit verify` and `reunite backup` run while it is busy, and
schemathesis against a served instance.

Generates the children as web_bench.py does (100,000 by default), starts `reunite serve` on a free
port, then for each client count runs that many client threads for --seconds (a bounded
equivalent of locust: plain HTTP keep-alive clients, no think time, no extra dependency). Reports
requests per second, errors (with their kind) and the 50th/95th percentile latency per endpoint,
and the CPU per request of the server's processes (and of PostgreSQL's): on a shared machine the
steadier figure.

From the first round on, `reunite audit verify` runs --verify-runs times (a false alarm is any run
that fails) interleaved with `reunite backup` --backups times; after the measured rounds the server
is kept busy (rounds of 10 s at the first client count, errors counted) until they are done or
--under-load-seconds have passed. Each backup is then restored into an empty data directory (a new
PostgreSQL database, dropped afterwards) and must verify.

Then schemathesis (`--checks all`) runs for --fuzz-seconds against a served instance of its own
(the demo operation, in a scratch directory or a `<database>_fuzz` PostgreSQL database): hostile
requests create and change records, never in the measured operation.

Writes benchmarks/results.json (key "load") and the table between <!-- load:start --> and
<!-- load:end --> in BENCHMARKS.md.

    .venv/bin/python benchmarks/load_bench.py [--children 100000] [--clients 20 50] [--seconds 30]
        [--verify-runs 20] [--backups 10] [--under-load-seconds 1200] [--fuzz-seconds 600]
        [--database-url postgresql://…/empty_db] [--keep DIR] [--quick]
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import web_bench  # noqa: E402  (the same generated operation)

ROOT = HERE.parent
RESULTS = HERE / "results.json"
MARKDOWN = ROOT / "BENCHMARKS.md"
START, END = "<!-- load:start -->", "<!-- load:end -->"
REUNITE = Path(sys.executable).with_name("reunite")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(folder: Path, database_url: str) -> dict:
    env = {**os.environ, "REUNITE_DATA_DIR": str(folder), "DATABASE_URL": database_url,
           "REUNITE_MFA": "optional", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _serve(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        ["nice", str(REUNITE), "serve", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 900  # collectstatic first: minutes on a busy machine
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/api/v1/")
            return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise RuntimeError("reunite serve did not start")


def _process_cpu(pids) -> float:
    """CPU seconds (user + system) the processes have used so far."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _tree(pid: int) -> set[int]:
    """The process and its descendants (gunicorn's master and workers)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        found.add(current)
        todo += children.get(current, [])
    return found


def _backends(database_url: str) -> set[int]:
    """PostgreSQL's server processes for this database (none for SQLite: it runs in-process)."""
    if database_url.startswith("sqlite"):
        return set()
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        return {row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))}


class CpuMeter:
    """CPU seconds of the server's processes and of the database's, across a round: the steadier
    figure on a shared machine (wall times grow with everyone's load, CPU per request does not)."""

    def __init__(self, server_pid: int, database_url: str):
        self.server_pid, self.database_url = server_pid, database_url

    def now(self) -> tuple[float, dict[int, float]]:
        return (_process_cpu(_tree(self.server_pid)),
                {pid: _process_cpu([pid]) for pid in _backends(self.database_url)})

    @staticmethod
    def per_request(before, after, requests: int) -> dict:
        # Backends that began during the round count whole; one that ended is missed.
        database = sum(cpu - before[1].get(pid, 0.0) for pid, cpu in after[1].items())
        return {"server_ms": round(1000 * (after[0] - before[0]) / max(requests, 1), 1),
                "database_ms": round(1000 * database / max(requests, 1), 1)}


# A keep-alive connection the server has just closed (gunicorn closes one idle for 2 s) fails
# before any answer: clients (urllib3, browsers) send such a request again on a new connection,
# and so does this one, once. Anything else is an error, kept with its kind.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def _round(port: int, token: str, paths: dict, clients: int, seconds: float) -> dict:
    samples: dict[str, list[float]] = {name: [] for name in paths}
    errors: dict[str, int] = {name: 0 for name in paths}
    kinds: dict[str, dict[str, int]] = {name: {} for name in paths}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    names = list(paths)
    headers = {"Authorization": f"Token {token}"}

    def fetch(conn, path: str) -> int:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        n = number
        while time.monotonic() < stop:
            name = names[n % len(names)]
            n += 1
            began = time.perf_counter()
            try:
                try:
                    status = fetch(conn, paths[name])
                except STALE:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    status = fetch(conn, paths[name])
                kind = None if status == 200 else f"HTTP {status}"
            except (OSError, http.client.HTTPException) as error:
                kind = type(error).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                samples[name].append(elapsed)
                if kind:
                    errors[name] += 1
                    kinds[name][kind] = kinds[name].get(kind, 0) + 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = {}
    for name, values in samples.items():
        values.sort()
        result[name] = {
            "requests": len(values), "errors": errors[name],
            "per_second": round(len(values) / seconds, 1),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p95_ms": round(values[int(0.95 * (len(values) - 1))], 1) if values else None,
        }
        if kinds[name]:
            result[name]["error_kinds"] = kinds[name]
    return result


class UnderLoad(threading.Thread):
    """`reunite audit verify` and `reunite backup`, one after another, while the server is busy;
    each backup is restored (afterwards, see restore_all) into an empty data directory and must
    verify. Stops starting new runs at `deadline` (time.monotonic())."""

    def __init__(self, env: dict, folder: Path, verify_runs: int, backups: int, deadline: float):
        super().__init__(daemon=True)
        self.env, self.folder, self.deadline = env, folder, deadline
        self.verify_runs, self.backups = verify_runs, backups
        self.verified, self.false_alarms, self.archives = 0, 0, []
        self.alarms: list[str] = []
        self.verify_seconds: list[float] = []
        self.backup_seconds: list[float] = []

    def run(self) -> None:
        # Interleaved, so both kinds meet every round's load, not only the last.
        for n in range(max(self.verify_runs, self.backups)):
            if n < self.verify_runs and time.monotonic() < self.deadline:
                began = time.monotonic()
                done = subprocess.run(["nice", str(REUNITE), "audit", "verify"], env=self.env,
                                      capture_output=True, text=True)
                self.verify_seconds.append(time.monotonic() - began)
                self.verified += 1
                if done.returncode != 0 or "intact" not in done.stdout:
                    self.false_alarms += 1
                    self.alarms.append((done.stdout + done.stderr).strip()[-300:])
            if n < self.backups and time.monotonic() < self.deadline:
                archive = self.folder / f"load-backup-{n}.tar.gz"
                began = time.monotonic()
                done = subprocess.run(["nice", str(REUNITE), "backup", str(archive)],
                                      env=self.env, capture_output=True, text=True)
                self.backup_seconds.append(time.monotonic() - began)
                self.archives.append((archive, done.returncode == 0))
                if done.returncode != 0:
                    self.alarms.append((done.stdout + done.stderr).strip()[-300:])

    def restore_all(self) -> dict:
        """Restore every backup into an empty place; count those whose audit log verifies."""
        restored_ok, restore_seconds = 0, []
        for n, (archive, written) in enumerate(self.archives):
            began = time.monotonic()
            if written:
                restored_ok += _restore(self.env, archive, n)
            restore_seconds.append(time.monotonic() - began)
            archive.unlink(missing_ok=True)
        return {
            "measured_on": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "verify_runs": self.verified, "verify_runs_asked": self.verify_runs,
            "false_alarms": self.false_alarms,
            "backups": len(self.archives), "backups_asked": self.backups,
            "restored_intact": restored_ok,
            "verify_s_max": round(max(self.verify_seconds, default=0), 1),
            "backup_s_max": round(max(self.backup_seconds, default=0), 1),
            "restore_s_max": round(max(restore_seconds, default=0), 1),
            "alarms": self.alarms[:5],
        }


def _restore(env: dict, archive: Path, n: int) -> bool:
    with tempfile.TemporaryDirectory(prefix="reunite-restore-") as empty:
        restore_env = {**env, "REUNITE_DATA_DIR": empty}
        postgres = not env["DATABASE_URL"].startswith("sqlite")
        if postgres:
            restore_env["DATABASE_URL"] = _empty_postgres(env["DATABASE_URL"], n)
        else:
            restore_env["DATABASE_URL"] = f"sqlite:///{Path(empty) / 'restored.sqlite3'}"
        try:
            done = subprocess.run(["nice", str(REUNITE), "restore", str(archive)],
                                  env=restore_env, capture_output=True, text=True)
            return done.returncode == 0 and "intact" in done.stdout
        finally:
            if postgres:
                _drop_postgres(restore_env["DATABASE_URL"])


def _load_until(port: int, token: str, paths: dict, clients: int, worker: UnderLoad,
                deadline: float) -> dict:
    """Keep the server busy (rounds of 10 s) until `worker` is done or the deadline passes."""
    totals = {"seconds": 0.0, "requests": 0, "errors": 0}
    while worker.is_alive() and time.monotonic() < deadline:
        began = time.monotonic()
        result = _round(port, token, paths, clients, 10)
        totals["seconds"] += time.monotonic() - began
        totals["requests"] += sum(r["requests"] for r in result.values())
        totals["errors"] += sum(r["errors"] for r in result.values())
    totals["seconds"] = round(totals["seconds"], 1)
    return totals


def _empty_postgres(url: str, n: int) -> str:
    import psycopg

    base, name = url.rsplit("/", 1)
    target = f"{name}_restore_{n}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}"')
    return f"{base}/{target}"


def _drop_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


VERIFY_FIELDS = ("verify_runs", "false_alarms", "verify_s_max")
BACKUP_FIELDS = ("backups", "restored_intact", "backup_s_max", "restore_s_max")


def write_outputs(section: dict) -> None:
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    before = existing.setdefault("load", {}).get(section["database"]) or {}
    # A run that skipped the verifications and backups (--verify-runs 0 --backups 0) or
    # schemathesis (--fuzz-seconds 0) keeps the last measurement of them, with its date.
    now, then = dict(section["under_load"]), before.get("under_load") or {}
    section = {**section, "under_load": now}
    for asked, fields in (("verify_runs_asked", VERIFY_FIELDS), ("backups_asked", BACKUP_FIELDS)):
        if not now.get(asked) and then.get(asked):
            now.update({name: then[name] for name in (asked, *fields) if name in then})
            now[f"{asked.split('_')[0]}_measured_on"] = (then.get(f"{asked.split('_')[0]}_"
                                                                  "measured_on")
                                                         or then.get("measured_on"))
            if not now.get("kept_busy", {}).get("seconds"):
                now["kept_busy"] = then.get("kept_busy")
    if section.get("schemathesis") is None:
        section["schemathesis"] = before.get("schemathesis")
    existing["load"][section["database"]] = section
    RESULTS.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    sections = existing["load"]
    lines = [START, ""]
    for database, data in sorted(sections.items()):
        lines += [
            f"**{database}**: {data['children']:,} children, `reunite serve` "
            f"({data['cores']} cores, load average {data['load']} when measured), "
            f"{data['seconds']} s per round.", "",
            "| clients | endpoint | requests/s | errors | p50 ms | p95 ms |",
            "|---|---|---|---|---|---|"]
        for clients, endpoints in data["rounds"].items():
            for name, r in endpoints.items():
                lines.append(f"| {clients} | {name} | {r['per_second']} | {r['errors']} | "
                             f"{r['p50_ms']} | {r['p95_ms']} |")
        cpu = data.get("cpu_per_request") or {}
        if cpu:
            lines += ["", "CPU per request (all three endpoints): " + "; ".join(
                f"{clients} clients: server {c['server_ms']} ms"
                + (f" + PostgreSQL {c['database_ms']} ms" if database == "postgresql" else "")
                for clients, c in cpu.items()) + "."]
        extra = data["under_load"]
        busy = extra.get("kept_busy") or {}
        when = f" ({extra['measured_on']})" if extra.get("measured_on") else ""
        verify_when = (f" (run of {extra['verify_measured_on']})"
                       if extra.get("verify_measured_on") else "")
        backup_when = (f" (run of {extra['backups_measured_on']})"
                       if extra.get("backups_measured_on") else "")
        lines += ["", f"Under load{when}: `reunite audit verify` {extra['verify_runs']} runs "
                  f"(longest {extra.get('verify_s_max')} s), {extra['false_alarms']} false "
                  f"alarms{verify_when}; `reunite backup` {extra['backups']} times (longest "
                  f"{extra.get('backup_s_max')} s), {extra['restored_intact']} restored with the "
                  f"audit log intact{backup_when}"
                  + (f" (after the rounds, {busy['seconds']} s more load at "
                     f"{list(data['rounds'])[0]} clients: {busy['requests']} requests, "
                     f"{busy['errors']} errors)" if busy.get("seconds") else "") + "."]
        fuzz = data.get("schemathesis")
        if fuzz:
            lines += ["", f"Schemathesis (`--checks all`, {fuzz['seconds']} s, its own demo "
                      f"instance, {fuzz.get('measured_on', '')}): {fuzz['cases']} cases, "
                      f"{fuzz['server_errors']} server errors, "
                      f"{fuzz['schema_violations']} schema violations; "
                      f"{fuzz['domain_refusals_of_valid_input']} schema-valid requests refused "
                      "by a domain rule (" + ", ".join(
                          f"{k}: {v}" for k, v in fuzz["failures"].items()) + ")."
                      if fuzz["failures"] else
                      f"Schemathesis (`--checks all`, {fuzz['seconds']} s, its own demo "
                      f"instance): {fuzz['cases']} cases, no failure."]
        lines.append("")
    lines.append(END)
    block = "\n".join(lines)
    text = MARKDOWN.read_text() if MARKDOWN.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n## The API under load\n\n" + block + "\n"
    MARKDOWN.write_text(text)


def _fuzz(seconds: float, database_url: str | None, scratch: Path) -> dict:
    """Schemathesis, every check, for `seconds` against a served demo instance of its own (the
    hostile requests create and change records: never in the measured operation)."""
    folder = scratch / "fuzz"
    folder.mkdir(parents=True, exist_ok=True)
    if database_url:
        database_url = _empty_postgres(database_url, "fuzz")
    else:
        database_url = f"sqlite:///{folder / 'fuzz.sqlite3'}"
    env = _env(folder, database_url)
    try:
        for command in (["migrate", "--verbosity", "0"], ["demo"]):
            subprocess.run(["nice", str(REUNITE), *command], env=env, check=True,
                           capture_output=True)
        token = subprocess.run(
            ["nice", str(REUNITE), "shell", "-c",
             "from reunite.accounts.models import User; from reunite.accounts import services; "
             "print(services.issue_token(User.objects.get(username='coordinator')).key)"],
            env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
        port = _free_port()
        server = _serve(env, port)
        report = folder / "schemathesis.json"
        try:
            began = time.monotonic()
            done = subprocess.run(
                ["nice", str(Path(sys.executable).with_name("schemathesis")), "run",
                 f"http://127.0.0.1:{port}/api/v1/schema/?format=json",
                 "--checks", "all", "--max-time", str(int(seconds)), "--no-color",
                 "--header", f"Authorization: Token {token}", "--seed", "1",
                 "--report", "ndjson", "--report-ndjson-path", str(report),
                 "--request-timeout", "60", "--suppress-health-check", "all"],
                env=env, capture_output=True, text=True)
            took = time.monotonic() - began
        finally:
            server.terminate()
            server.wait(30)
        result = _fuzz_summary(report, done.stdout)
        result.update({"seconds": int(seconds), "took_s": round(took),
                       "measured_on": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                       "exit_code": done.returncode,
                       "database": "sqlite" if database_url.startswith("sqlite") else "postgresql"})
        (folder / "schemathesis.txt").write_text(done.stdout)
        if result["failures"] or done.returncode:
            print(done.stdout[-6000:], file=sys.stderr)
        return result
    finally:
        if database_url.startswith("postgres"):
            _drop_postgres(database_url)


def _fuzz_summary(report: Path, stdout: str) -> dict:
    """Failures by kind from schemathesis's summary ("❌ ST108 Response violates schema: 1"), the
    operations they were found on (its ndjson events) and the cases generated."""
    failures = {}
    for line in stdout.splitlines():
        found = re.match(r"\s*\S+\s+(ST\d+|[A-Z]+\d*)\s+(.+?):\s+(\d+)\s*$", line)
        if found and "Failures" not in line:
            failures[f"{found[1]} {found[2]}"] = int(found[3])
    generated = re.search(r"(\d+) generated", stdout)
    operations = set()
    if report.exists():
        for line in report.read_text().splitlines():
            if '"FAILURE"' in line or '"failure_info"' in line:
                operations.update(re.findall(r'"label": ?"((?:GET|POST|PUT|PATCH|DELETE) [^"]+)"',
                                             line))
    # Schema-valid requests the domain refuses on rules a schema cannot state (a date in the
    # future, an agency code that does not exist) are counted, but they are not violations.
    refusals = sum(n for name, n in failures.items() if name.startswith("ST202"))
    server_errors = sum(n for name, n in failures.items() if "server error" in name.lower())
    return {"cases": int(generated[1]) if generated else None, "failures": failures,
            "server_errors": server_errors,
            "schema_violations": sum(failures.values()) - refusals - server_errors,
            "domain_refusals_of_valid_input": refusals,
            "failing_operations": sorted(operations)[:40]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--clients", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--verify-runs", type=int, default=20)
    parser.add_argument("--backups", type=int, default=10)
    parser.add_argument("--under-load-seconds", type=float, default=1200,
                        help="bound on the verifications and backups under load: after the "
                             "measured rounds the server is kept busy until they are done or this "
                             "many seconds have passed since the first round began")
    parser.add_argument("--fuzz-seconds", type=float, default=600,
                        help="schemathesis (--checks all) against a served demo instance of its "
                             "own for this long; 0 skips it")
    parser.add_argument("--quick", action="store_true",
                        help="5,000 children, 10 s rounds, 5 verifications, 2 backups, "
                             "60 s of schemathesis")
    parser.add_argument("--database-url", help="a database to fill, e.g. PostgreSQL (one that "
                        "web_bench.py filled with as many children is reused)")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the SQLite database in DIR, and reuse one web_bench.py --keep "
                             "left there")
    arguments, _others = parser.parse_known_args()
    if arguments.quick:
        arguments.children, arguments.seconds = 5_000, 10
        arguments.verify_runs, arguments.backups = 5, 2
        arguments.fuzz_seconds = min(arguments.fuzz_seconds, 60)
    with tempfile.TemporaryDirectory(prefix="reunite-load-bench-") as scratch:
        folder = Path(arguments.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        web_bench.configure(arguments.database_url, folder)
        from django.db import connection

        from reunite.accounts import services

        made = web_bench.existing(arguments.children) or web_bench.generate(arguments.children)
        with connection.cursor() as cursor:  # as web_bench.py: statistics, visibility map
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        operation = made["operation"]
        # A token of today: tokens expire (REUNITE_TOKEN_TTL_HOURS), a kept database's may have.
        token = services.issue_token(made["user"]).key
        target = operation.targets.order_by("pk").first()
        database_url = os.environ["DATABASE_URL"]
        vendor = connection.vendor
        connection.close()
        paths = {
            "list": f"/api/v1/operations/{operation.pk}/targets/",
            "search": f"/api/v1/operations/{operation.pk}/targets/?q=hernandez",
            "child": f"/api/v1/targets/{target.pk}/",
        }
        env = _env(folder, database_url)
        port = _free_port()
        server = _serve(env, port)
        try:
            # Verifications and backups run from the first round on, so they meet every load.
            deadline = time.monotonic() + arguments.under_load_seconds
            worker = UnderLoad(env, folder, arguments.verify_runs, arguments.backups, deadline)
            worker.start()
            rounds, cpu = {}, {}
            meter = CpuMeter(server.pid, database_url)
            for clients in arguments.clients:
                before = meter.now()
                rounds[str(clients)] = _round(port, token, paths, clients, arguments.seconds)
                requests = sum(r["requests"] for r in rounds[str(clients)].values())
                cpu[str(clients)] = meter.per_request(before, meter.now(), requests)
                print(f"  {clients} clients: {rounds[str(clients)]} {cpu[str(clients)]}",
                      file=sys.stderr)
            load = round(os.getloadavg()[0], 1)  # the machine's load while the rounds ran
            kept_busy = _load_until(port, token, paths, arguments.clients[0], worker, deadline)
            worker.join()
        finally:
            server.terminate()
            server.wait(30)
        under_load = worker.restore_all()
        under_load["kept_busy"] = kept_busy
        print(f"  under load: {under_load}", file=sys.stderr)
        fuzz = None
        if arguments.fuzz_seconds > 0:
            # Its report (schemathesis.txt, .json) stays in --keep's directory to be read.
            fuzz = _fuzz(arguments.fuzz_seconds,
                         database_url if vendor == "postgresql" else None, folder)
            print(f"  schemathesis: {fuzz}", file=sys.stderr)
        write_outputs({
            "children": arguments.children, "database": vendor, "cores": os.cpu_count(),
            "seconds": arguments.seconds, "load": load,
            "rounds": rounds, "cpu_per_request": cpu, "under_load": under_load,
            "schemathesis": fuzz,
        })
    errors = sum(r["errors"] for endpoints in rounds.values() for r in endpoints.values())
    errors += kept_busy["errors"]
    bad = errors or under_load["false_alarms"] or (
        under_load["restored_intact"] != arguments.backups
        or under_load["verify_runs"] != arguments.verify_runs)
    bad = bad or (fuzz is not None and (fuzz["server_errors"] or fuzz["schema_violations"]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
