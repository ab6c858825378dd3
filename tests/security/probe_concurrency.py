"""A long import and the readers it must not stop, on a real database and a real threaded server.

Run as a script (by test_concurrency.py) with REUNITE_DATA_DIR set to an empty directory and
DATABASE_URL unset (SQLite) or naming an empty PostgreSQL database. One thread opens a transaction
that writes children and their audit events, as an import does, and keeps it open for HOLD seconds;
meanwhile reader threads call audited API endpoints over HTTP. Prints one JSON line of results.
"""

import datetime as dt
import http.client
import json
import os
import sys
import threading
import time

import django

HOLD = float(os.environ.get("PROBE_HOLD_SECONDS", "4"))
READERS = int(os.environ.get("PROBE_READERS", "6"))
# PROBE_MODE=clients: no import; READERS clients read and write for HOLD seconds.
MODE = os.environ.get("PROBE_MODE", "import")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reunite.settings")
    os.environ.setdefault("REUNITE_MFA", "optional")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    token, operation, targets = _cast()
    session = _session_cookie()
    port, server = _serve()
    if MODE == "clients":
        _clients(port, token, operation, targets)
        server.shutdown()
        return
    for path in (f"/api/v1/targets/{targets[0]}/", f"/api/v1/operations/{operation}/targets/"):
        _get(port, token, path)  # the first request loads the app: not what is measured
    started, finished = threading.Event(), threading.Event()
    importer = threading.Thread(target=_long_import, args=(operation, started, finished))
    importer.start()
    started.wait(30)
    results: list[tuple[int, float, str]] = []
    lock = threading.Lock()
    # Half the readers are signed in by a session (the pages, the browser's API calls): every
    # request refreshes the session's idle expiry, a write that must not wait for the import.
    readers = [
        threading.Thread(target=_read, args=(port, session if n % 2 else token, operation,
                                             targets, finished, results, lock))
        for n in range(READERS)
    ]
    for reader in readers:
        reader.start()
    time.sleep(HOLD / 3)
    live_verify = _verify()  # on a live system, with the import still open
    for reader in readers:
        reader.join()
    importer.join()
    server.shutdown()
    print(json.dumps({**_report(results), "live_verify": live_verify}))


def _cast():
    from rest_framework.authtoken.models import Token

    from reunite.accounts.models import User
    from reunite.children.models import Child
    from reunite.demo.agencies import create_seed_agencies
    from reunite.operations.services import create_operation, put_on_list

    agencies = {agency.code: agency for agency in create_seed_agencies()}
    operation = create_operation(
        name="Operation Rescue Me", area="Doña Ana County, New Mexico",
        start_date=dt.date(2021, 5, 1), lead_agencies=["HSI", "USMS"],
        agencies=[code for code in agencies if code not in ("HSI", "USMS")],
    )
    user = User.objects.create_user(username="coordinator", password="x" * 20,
                                    role="coordinator", agency=agencies["HSI"])
    targets = []
    for n, (first, last) in enumerate([("Guadalupe", "Hernández"), ("Mateo", "Acosta"),
                                       ("Ximena", "Rodríguez")]):
        child = Child.objects.create(first_name=first, last_name=last, sex="F",
                                     dob=dt.date(2006, 3, 1 + n))
        targets.append(put_on_list(operation, child, added_on=dt.date(2021, 4, 28)).pk)
    return Token.objects.create(user=user).key, operation.pk, targets


def _session_cookie() -> str:
    """A signed-in session of the coordinator, as the Cookie header a browser sends."""
    from django.conf import settings
    from django.test import Client

    from reunite.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="coordinator"))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _serve():
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1], server


def _long_import(operation_id, started, finished) -> None:
    """What an import does to the database: one transaction that writes children and their audit
    events, open for HOLD seconds."""
    from django.db import connection, transaction

    from reunite.audit import log
    from reunite.children.models import Child
    from reunite.operations.models import Operation
    from reunite.operations.services import put_on_list

    operation = Operation.objects.get(pk=operation_id)
    try:
        with transaction.atomic():
            for n in range(20):
                child = Child.objects.create(first_name="Imported", last_name=f"Niño {n}",
                                             sex="M", dob=dt.date(2007, 1, 1 + n))
                put_on_list(operation, child, added_on=dt.date(2021, 5, 2))
            log.record("intake.import", operation, operation_id=operation_id)
            started.set()
            if not os.environ.get("PROBE_BASELINE"):  # the baseline: the same load, no import open
                time.sleep(HOLD)
        time.sleep(HOLD if os.environ.get("PROBE_BASELINE") else 0)
    finally:
        started.set()
        finished.set()
        connection.close()


def _read(port, token, operation_id, targets, finished, results, lock) -> None:
    paths = [f"/api/v1/targets/{targets[0]}/", f"/api/v1/operations/{operation_id}/targets/",
             f"/api/v1/operations/{operation_id}/targets/?q=hernandez",
             f"/api/v1/targets/{targets[1]}/"]
    n = 0
    while not finished.is_set():
        path = paths[n % len(paths)]
        n += 1
        began = time.monotonic()
        status, text = _get(port, token, path)
        with lock:
            results.append((status, time.monotonic() - began, path if status == 200 else text))


def _clients(port, token, operation_id, targets) -> None:
    """Many clients at once, every fourth request a write (a note on a child's timeline)."""
    results: list[tuple[int, float, str]] = []
    lock = threading.Lock()
    stop = time.monotonic() + HOLD

    def client(number: int) -> None:
        # At least three requests each, however slow a busy machine makes them: the point is that
        # all of them are in flight together, not how many fit in HOLD seconds.
        n = number
        while time.monotonic() < stop or n < number + 3:
            n += 1
            target = targets[n % len(targets)]
            began = time.monotonic()
            if n % 4 == 0:
                body = {"kind": "note", "summary": f"Llamada de seguimiento {n}"}
                status, text = _get(port, token, f"/api/v1/targets/{target}/activities", body)
                status = 200 if status == 201 else status
            else:
                path = [f"/api/v1/targets/{target}/", f"/api/v1/operations/{operation_id}/targets/",
                        f"/api/v1/operations/{operation_id}/targets/?q=hernandez"][n % 3]
                status, text = _get(port, token, path)
            with lock:
                results.append((status, time.monotonic() - began, text))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({
        "requests": len(results),
        "errors": [f"{status}: {text}" for status, _s, text in results if status != 200][:10],
        "error_count": sum(1 for r in results if r[0] != 200),
        "verify": _verify(),
    }))


def _get(port, token, path, body=None) -> tuple[int, str]:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HOLD * 4)
        headers = ({"Cookie": token} if "=" in token  # a session cookie
                   else {"Authorization": f"Token {token}"})
        if body is None:
            conn.request("GET", path, headers=headers)
        else:
            conn.request("POST", path, body=json.dumps(body),
                         headers={**headers, "Content-Type": "application/json"})
        response = conn.getresponse()
        body = response.read()
        return response.status, body[:200].decode(errors="replace")
    except Exception as error:  # noqa: BLE001 - a reader that cannot get an answer is the finding
        return 0, repr(error)


def _verify() -> str:
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.db import connection

    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as error:
        return f"FAILED {error}: {err.getvalue()}"
    finally:
        connection.close()
    return out.getvalue()


def _report(results) -> dict:
    from reunite.audit.models import AuditEvent

    ok = [r for r in results if r[0] == 200]
    target_reads = 1 + sum(1 for r in ok if r[2].startswith("/api/v1/targets/"))  # + the warm-up
    # Verify first: it seals what is still waiting (a read's event may still be in the SQLite
    # spool when the import ends), so every event is in the log when they are counted.
    verified = _verify()
    return {
        "requests": len(results),
        "errors": [f"{status}: {text}" for status, _s, text in results if status != 200][:10],
        "max_seconds": max((r[1] for r in results), default=0),
        "slowest": sorted(((round(r[1], 3), r[2]) for r in results), reverse=True)[:3],
        "target_reads": target_reads,
        "view_events": AuditEvent.objects.filter(action="target.view", channel="api").count(),
        "imported_events": AuditEvent.objects.filter(action="target.create").count(),
        "verify": verified,
    }


if __name__ == "__main__":
    sys.exit(main())
