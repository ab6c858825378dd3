"""Web pages at scale: the list, search and a child's page on 100,000 children.

Generates an operation of 100,000 children (each with a source record and a local case, one in
five with an NCIC entry) with bulk_create, then times the pages through Django's test client: the
server's time, audit event included, without a network or a browser. Each page is asked once to
warm up, then --repeat times; the median and the worst are reported with the page's query count.

Runs on SQLite (a temporary file, or --keep DIR to reuse it) and on PostgreSQL when
--postgres-url (or REUNITE_BENCH_POSTGRES) names a database to fill; each database in its own
process. Writes benchmarks/results.json (key "web": one section per database, other keys kept)
and the tables between <!-- web:start --> and <!-- web:end --> in BENCHMARKS.md.

    .venv/bin/python benchmarks/web_bench.py [--children 100000] [--quick] \
        [--postgres-url postgresql://postgres@127.0.0.1:5432/reunite_bench]
"""

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
MARKDOWN = ROOT / "BENCHMARKS.md"
START, END = "<!-- web:start -->", "<!-- web:end -->"
BUDGET_MS = 150             # every list, search and child page
DASHBOARD_BUDGET_MS = 250
PAGE_SIZE = 50
BATCH = 5000
SEED = 20210501

FIRST_F = ["Guadalupe", "María", "Ximena", "Sofía", "Valeria", "Camila", "Daniela", "Andrea",
           "Fernanda", "Mariana", "Renata", "Jimena", "Regina", "Natalia", "Paola", "Alondra",
           "Brianna", "Destiny", "Hailey", "Madison", "Ashley", "Jocelyn", "Yareli", "Itzel"]
FIRST_M = ["José", "Juan", "Luis", "Jesús", "Alejandro", "Diego", "Miguel", "Ángel", "Iker",
           "Santiago", "Mateo", "Emiliano", "Adrián", "Rubén", "Guillermo", "Alberto",
           "Francisco", "Tyler", "Aiden", "Caleb", "Jordan", "Cody", "Noah", "Eduardo"]
SURNAMES = ["Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Pérez",
            "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Reyes",
            "Morales", "Cruz", "Ortiz", "Gutiérrez", "Chávez", "Ramos", "Ruiz", "Mendoza",
            "Aguilar", "Vásquez", "Castillo", "Jiménez", "Moreno", "Romero", "Herrera",
            "Medina", "Vargas", "Castro", "Guzmán", "Fernández", "Salazar", "Montoya",
            "Carrillo", "Baca", "Olivas", "Trujillo", "Escalante", "Provencio", "Holguín",
            "Armendáriz", "Lucero", "Madrid", "Chacón", "Tafoya", "Sandoval", "Quintana"]
CASE_AGENCIES = ["LCPD", "DASO", "APD", "SPPD"]
RISKS = ["homelessness", "substance_abuse", "online_enticement", "difficult_home",
         "prior_runaway"]
CLASSIFICATIONS = ["runaway", "endangered_runaway", "family_abduction", "endangered", "other"]


def configure(database_url: str | None, folder: Path) -> None:
    os.environ["REUNITE_DATA_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'web_bench.sqlite3'}"
    os.environ["REUNITE_MFA"] = "optional"
    os.environ["DJANGO_SETTINGS_MODULE"] = "reunite.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0, interactive=False)


def generate(children: int) -> dict:
    """An operation with `children` children on its list, written with bulk_create."""
    from reunite.accounts.models import User
    from reunite.children.models import Child, ChildName, LocalCase, NCICEntry, SourceRecord
    from reunite.children.search import search_text_for
    from reunite.demo.agencies import create_seed_agencies
    from reunite.operations.models import Target
    from reunite.operations.services import create_operation

    rng = random.Random(SEED)
    agencies = {a.code: a for a in create_seed_agencies()}
    operation = create_operation(
        name="Operation Benchmark", area="Doña Ana County, New Mexico",
        start_date=dt.date(2021, 5, 1), lead_agencies=["HSI", "USMS"],
        agencies=[c for c in agencies if c not in ("HSI", "USMS")],
    )
    coordinator = User.objects.create_user(username="coordinator", password="x" * 16,
                                           role="coordinator", agency=agencies["HSI"])
    investigators = [
        User.objects.create_user(username=f"inv{n}", password="x" * 16, role="investigator",
                                 agency=agencies[CASE_AGENCIES[n % 4]])
        for n in range(8)
    ]
    made = 0
    while made < children:
        size = min(BATCH, children - made)
        batch = []
        for _n in range(made, made + size):
            female = rng.random() < 0.55
            child = Child(
                first_name=rng.choice(FIRST_F if female else FIRST_M),
                last_name=rng.choice(SURNAMES), second_last_name=rng.choice(SURNAMES),
                sex="F" if female else "M",
                dob=dt.date(2003, 1, 1) + dt.timedelta(days=rng.randrange(0, 13 * 365)),
                risk_factors=rng.sample(RISKS, rng.randrange(0, 3)),
                custody="cyfd" if rng.random() < 0.1 else "guardian",
            )
            child.search_text = search_text_for(child, [])
            batch.append(child)
        Child.objects.bulk_create(batch)
        if batch[0].pk is None:  # backends that do not return ids
            batch = list(Child.objects.order_by("-pk")[:size])[::-1]
        statuses = ["outstanding"] * 3 + ["located"] * 6 + ["recovered"]
        Target.objects.bulk_create([
            Target(operation=operation, child=c, added_on=dt.date(2021, 4, 28),
                   status=rng.choice(statuses),
                   assigned_agency=agencies[rng.choice(CASE_AGENCIES)],
                   assignee=rng.choice(investigators) if rng.random() < 0.3 else None)
            for c in batch
        ])
        ChildName.objects.bulk_create([
            ChildName(child=c, name=word) for c in batch for word in set(c.search_text.split())
        ])
        cases, records, entries = [], [], []
        for c in batch:
            code = rng.choice(CASE_AGENCIES)
            number = f"21-{c.pk:07d}"
            cases.append(LocalCase(child=c, agency=agencies[code], case_number=number,
                                   classification=rng.choice(CLASSIFICATIONS),
                                   opened_on=dt.date(2021, 1, 1)
                                   + dt.timedelta(days=rng.randrange(0, 120))))
            fields = {"first_name": c.first_name, "last_name": c.last_name,
                      "second_last_name": c.second_last_name, "dob": c.dob.isoformat(),
                      "sex": c.sex, "local_agency": code, "local_case_number": number}
            records.append(SourceRecord(child=c, agency=agencies[code], record_id=number,
                                        file_name=f"{code.lower()}.csv", row_number=2,
                                        data=fields, fields=fields, content_hash=number))
            if rng.random() < 0.2:
                entries.append(NCICEntry(child=c, nic=f"M{c.pk:09d}",
                                         entered_on=dt.date(2021, 3, 1)))
        LocalCase.objects.bulk_create(cases)
        SourceRecord.objects.bulk_create(records)
        NCICEntry.objects.bulk_create(entries)
        made += size
        print(f"  generated {made:,} children", file=sys.stderr, flush=True)
    return {"operation": operation, "user": coordinator}


def existing(children: int) -> dict | None:
    """A database kept from an earlier run with the same number of children (--keep)."""
    from reunite.accounts.models import User
    from reunite.operations.models import Operation

    operation = Operation.objects.filter(slug="operation-benchmark").first()
    if operation is None or operation.targets.count() != children:
        return None
    return {"operation": operation, "user": User.objects.get(username="coordinator")}


def time_pages(operation, user, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reunite.audit import log
    from reunite.children.models import Child
    from reunite.operations.models import Target
    from reunite.web.listing import NAME_ORDER

    client = Client()
    client.force_login(user)
    target = Target.objects.filter(operation=operation).order_by("pk")[len("benchmark")]
    child = target.child
    # The child "Next" on page 499 reads on from (found untimed: the page before it links it).
    last_of_499 = Child.objects.filter(targets__operation=operation).order_by(
        *NAME_ORDER).values_list("pk", flat=True)[499 * PAGE_SIZE - 1]
    base = f"/ops/{operation.slug}"
    pages = {
        "list, first page (sorted by name)": f"{base}/children/",
        "list, outstanding only": f"{base}/children/?status=outstanding",
        "list, agency + age + risk": f"{base}/children/?agency=DASO&age_min=14&age_max=16"
                                     "&risk=homelessness",
        "list, page 500 (Next from page 499)": f"{base}/children/?page=500&after={last_of_499}",
        "list, page 500 (typed page number)": f"{base}/children/?page=500",
        "list, owes a screening": f"{base}/children/?owes=screening",
        "search, common surname (hernandez)": f"{base}/children/?q=hernandez",
        "search, nickname + surname (lupita hernandez)": f"{base}/children/?q=lupita+hernandez",
        "search, one child's full name": f"{base}/children/?q={child.first_name}+"
                                         f"{child.last_name}+{child.second_last_name}",
        "search, misspelt (closest spellings)": f"{base}/children/?q=Guadalupa+Hernandex+Ortis",
        "search, no such name": f"{base}/children/?q=zzyzx",
        "search, a case number": f"{base}/children/?q={child.local_cases.first().case_number}",
        "child's page": f"/children/{target.pk}/",
        "dashboard": f"{base}/",
        # The dashboard's figures are cached until the next change: this one recomputes them.
        "dashboard, first view after a change": f"{base}/?recompute",
    }
    # Templates, translations and the connection loaded once, by a page that keeps nothing.
    client.get(f"/children/{target.pk}/")
    results = {}
    for name, url in pages.items():
        # The first request is also the page's first view since the last change: what a list,
        # a search or a typed page number costs before anything about it is kept.
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        first_ms = (time.perf_counter() - started) * 1000
        first_cpu = (time.process_time() - started_cpu) * 1000
        assert response.status_code == 200, (url, response.status_code)
        timings, cpu = [], []
        for _ in range(repeat):
            if url.endswith("?recompute"):
                log.record("benchmark.change", operation)  # a change: the figures go stale
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        results[name] = {
            "url": url, "median_ms": round(statistics.median(timings), 1),
            "max_ms": round(max(timings), 1), "cpu_ms": round(statistics.median(cpu), 1),
            "queries": len(queries.captured_queries),
            "first_ms": round(first_ms, 1), "first_cpu_ms": round(first_cpu, 1),
        }
        print(f"  {name}: {results[name]['median_ms']} ms", file=sys.stderr, flush=True)
    return results


def _budget(name: str) -> int:
    return DASHBOARD_BUDGET_MS if name.startswith("dashboard") else BUDGET_MS


def write_outputs(section: dict) -> None:
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    web = existing.get("web", {})
    if "results" in web:  # the single-database layout of earlier runs
        web = {}
    web[section["database"]] = section
    existing["web"] = web
    RESULTS.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    lines = [START, "",
             "Server time through Django's test client, audit event and session save included: "
             "median and worst of the runs after a first view, and the median CPU time of the "
             "process (SQLite runs inside it, PostgreSQL does not), which a busy machine "
             "inflates less than the wall time: on 2 cores shared with other work, compare the "
             f"CPU columns. Budget: {BUDGET_MS} ms for every list, search and child page, "
             f"{DASHBOARD_BUDGET_MS} ms for the dashboard; the query count must not grow with "
             "the rows shown.", "",
             "What a list counts or orders over all its children is kept until the next change "
             "(`reunite.operations.freshness`: keyed by the newest audit event of a change, so "
             "reads keep it and any change throws it away; 30 s at most): the list's count, the "
             "first child of each page (a typed page number starts there, like Next), the ids "
             "of a search or a filtered list in order, and which answer a search gets (also in "
             "the API). The runs after the first view use them, as paging and coming back to a "
             "list do; the *first view* columns are the cost before anything is kept (for the "
             "dashboard, its figures are computed once per change: the row *first view after a "
             "change* measures that). A name search lists the matching children by id from the "
             "(name, child) index when they are few; the dashboard counts each status from the "
             "list's index in one grouped query and each clock in one grouped pass; PostgreSQL "
             "runs without JIT compilation.", ""]
    for database in sorted(web):
        run = web[database]
        lines += [f"### {database}", "",
                  f"{run['children']:,} children on one list, {run['cores']} cores (load "
                  f"average {run['load']} when measured), {run['repeat']} runs.", "",
                  "| page | median ms | worst ms | CPU ms | queries | within budget "
                  "| first view ms | first view CPU ms |",
                  "|---|---|---|---|---|---|---|---|"]
        for name, r in run["results"].items():
            ok = "yes" if r["median_ms"] <= _budget(name) else "**no**"
            lines.append(f"| {name} | {r['median_ms']} | {r['max_ms']} | {r['cpu_ms']} | "
                         f"{r['queries']} | {ok} | {r.get('first_ms', '–')} | "
                         f"{r.get('first_cpu_ms', '–')} |")
        lines.append("")
    lines += [END]
    block = "\n".join(lines)
    text = MARKDOWN.read_text() if MARKDOWN.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n## Web pages\n\n" + block + "\n"
    MARKDOWN.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="10,000 children")
    parser.add_argument("--database-url", help="run on this database only (in this process)")
    parser.add_argument("--postgres-url", default=os.environ.get("REUNITE_BENCH_POSTGRES"),
                        help="a PostgreSQL database to fill (kept, and reused next time)")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the generated SQLite database in DIR and reuse it next time")
    arguments, _others = parser.parse_known_args()  # `make bench` passes other scripts' flags
    if arguments.database_url is None:
        return _each_database(arguments)
    children = 10_000 if arguments.quick else arguments.children
    with tempfile.TemporaryDirectory(prefix="reunite-web-bench-") as scratch:
        folder = Path(arguments.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        configure(arguments.database_url, folder)
        from django.db import connection

        started = time.perf_counter()
        made = existing(children) or generate(children)
        generated = round(time.perf_counter() - started, 1)
        with connection.cursor() as cursor:
            # Planner statistics and (PostgreSQL) the visibility map, as autovacuum leaves a
            # loaded database: without it no index-only scan is possible on fresh rows.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        results = time_pages(made["operation"], made["user"], arguments.repeat)
        write_outputs({
            "children": children, "database": connection.vendor, "cores": os.cpu_count(),
            "repeat": arguments.repeat, "generate_seconds": generated,
            "load": round(os.getloadavg()[0], 1),
            "budget_ms": BUDGET_MS, "results": results,
        })
        connection.close()
    slow = [n for n, r in results.items() if r["median_ms"] > _budget(n)]
    for name in slow:
        print(f"over budget on {connection.vendor}: {name}", file=sys.stderr)
    return 1 if slow else 0


def _each_database(arguments) -> int:
    """SQLite, then PostgreSQL when one is named: each in its own process (Django is set up
    once per process)."""
    keep = ["--keep", arguments.keep] if arguments.keep else []
    scratch = tempfile.mkdtemp(prefix="reunite-web-bench-")
    urls = [f"sqlite:///{Path(arguments.keep or scratch) / 'web_bench.sqlite3'}"]
    if arguments.postgres_url:
        urls.append(arguments.postgres_url)
    failures = 0
    for url in urls:
        command = [sys.executable, __file__, "--database-url", url, *keep,
                   "--children", str(arguments.children), "--repeat", str(arguments.repeat)]
        if arguments.quick:
            command.append("--quick")
        failures += subprocess.run(command, check=False).returncode != 0
    shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
