"""The API under load: many clients at once on the list, search and a child, through the production
server (`reunite serve`), with `reunite audit verify` and `reunite backup` run while it is busy.

Generates the children as web_bench.py does (100,000 by default), starts `reunite serve` on a free
port, then for each client count runs that many client threads for --seconds (a bounded
equivalent of locust: plain HTTP keep-alive clients, no extra dependency). Reports requests per
second, errors and the 50th/95th percentile latency per endpoint. While the last round runs,
`reunite audit verify` is run --verify-runs times (a false alarm is any run that fails) and
`reunite backup` --backups times; each backup is restored into an empty data directory and must
verify.

Writes benchmarks/results.json (key "load") and the table between <!-- load:start --> and
<!-- load:end --> in BENCHMARKS.md.

    .venv/bin/python benchmarks/load_bench.py [--children 100000] [--clients 20 50] [--seconds 30]
        [--database-url postgresql://…/empty_db] [--quick]
"""

import argparse
import http.client
import json
import os
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


def _round(port: int, token: str, paths: dict, clients: int, seconds: float) -> dict:
    samples: dict[str, list[float]] = {name: [] for name in paths}
    errors: dict[str, int] = {name: 0 for name in paths}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    names = list(paths)

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        n = number
        while time.monotonic() < stop:
            name = names[n % len(names)]
            n += 1
            began = time.perf_counter()
            try:
                conn.request("GET", paths[name], headers={"Authorization": f"Token {token}"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                samples[name].append(elapsed)
                errors[name] += not ok

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
    return result


def _under_load(env: dict, folder: Path, verify_runs: int, backups: int) -> dict:
    false_alarms, restored_ok = 0, 0
    for _ in range(verify_runs):
        done = subprocess.run(["nice", str(REUNITE), "audit", "verify"], env=env,
                              capture_output=True, text=True)
        false_alarms += done.returncode != 0 or "intact" not in done.stdout
    for n in range(backups):
        archive = folder / f"load-backup-{n}.tar.gz"
        subprocess.run(["nice", str(REUNITE), "backup", str(archive)], env=env, check=True,
                        capture_output=True)
        with tempfile.TemporaryDirectory(prefix="reunite-restore-") as empty:
            restore_env = {**env, "REUNITE_DATA_DIR": empty}
            if env["DATABASE_URL"].startswith("sqlite"):
                restore_env["DATABASE_URL"] = f"sqlite:///{Path(empty) / 'restored.sqlite3'}"
            else:
                restore_env["DATABASE_URL"] = _empty_postgres(env["DATABASE_URL"], n)
            done = subprocess.run(["nice", str(REUNITE), "restore", str(archive)],
                                  env=restore_env, capture_output=True, text=True)
            restored_ok += done.returncode == 0 and "intact" in done.stdout
        archive.unlink()
    return {"verify_runs": verify_runs, "false_alarms": false_alarms,
            "backups": backups, "restored_intact": restored_ok}


def _empty_postgres(url: str, n: int) -> str:
    import psycopg

    base, name = url.rsplit("/", 1)
    target = f"{name}_restore_{n}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}"')
    return f"{base}/{target}"


def write_outputs(section: dict) -> None:
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing.setdefault("load", {})[section["database"]] = section
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
        extra = data["under_load"]
        lines += ["", f"Under load: `reunite audit verify` {extra['verify_runs']} runs, "
                  f"{extra['false_alarms']} false alarms; `reunite backup` {extra['backups']} "
                  f"times, {extra['restored_intact']} restored with the audit log intact.", ""]
    lines.append(END)
    block = "\n".join(lines)
    text = MARKDOWN.read_text() if MARKDOWN.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n## The API under load\n\n" + block + "\n"
    MARKDOWN.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--clients", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--verify-runs", type=int, default=20)
    parser.add_argument("--backups", type=int, default=10)
    parser.add_argument("--quick", action="store_true",
                        help="5,000 children, 10 s rounds, 5 verifications, 2 backups")
    parser.add_argument("--database-url", help="a database to fill, e.g. PostgreSQL (one that "
                        "web_bench.py filled with as many children is reused)")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the SQLite database in DIR, and reuse one web_bench.py --keep "
                             "left there")
    arguments, _others = parser.parse_known_args()
    if arguments.quick:
        arguments.children, arguments.seconds = 5_000, 10
        arguments.verify_runs, arguments.backups = 5, 2
    with tempfile.TemporaryDirectory(prefix="reunite-load-bench-") as scratch:
        folder = Path(arguments.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        web_bench.configure(arguments.database_url, folder)
        from django.db import connection
        from rest_framework.authtoken.models import Token

        made = web_bench.existing(arguments.children) or web_bench.generate(arguments.children)
        with connection.cursor() as cursor:  # as web_bench.py: statistics, visibility map
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        operation = made["operation"]
        token = Token.objects.get_or_create(user=made["user"])[0].key
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
            rounds = {}
            for clients in arguments.clients[:-1]:
                rounds[str(clients)] = _round(port, token, paths, clients, arguments.seconds)
                print(f"  {clients} clients: {rounds[str(clients)]}", file=sys.stderr)
            last = arguments.clients[-1]
            box: dict = {}
            loader = threading.Thread(target=lambda: box.update(
                result=_round(port, token, paths, last, arguments.seconds)))
            loader.start()
            under_load = _under_load(env, folder, arguments.verify_runs, arguments.backups)
            loader.join()
            rounds[str(last)] = box["result"]
            print(f"  {last} clients: {rounds[str(last)]}", file=sys.stderr)
        finally:
            server.terminate()
            server.wait(30)
        write_outputs({
            "children": arguments.children, "database": vendor, "cores": os.cpu_count(),
            "seconds": arguments.seconds, "load": round(os.getloadavg()[0], 1),
            "rounds": rounds, "under_load": under_load,
        })
    errors = sum(r["errors"] for endpoints in rounds.values() for r in endpoints.values())
    bad = errors or under_load["false_alarms"] or (
        under_load["restored_intact"] != under_load["backups"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
