"""`reunite demo`: load the synthetic Operation Rescue Me (once) and print how to sign in."""

import time

from django.core.management.base import BaseCommand

from reunite.demo import scenario
from reunite.operations.models import TargetStatus


class Command(BaseCommand):
    help = (
        "Load the synthetic demo operation (Operation Rescue Me, Doña Ana County, 2021) with its "
        "agencies, lists, outcomes and one user per role; print the URL and the logins. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        # `make demo HOST=… PORT=…` passes where it will serve, so the address printed is right.
        parser.add_argument("--host", default="127.0.0.1", help="where the server will listen")
        parser.add_argument("--port", type=int, default=8000, help="the server's port")

    def handle(self, *args, **options):
        if scenario.demo_operation() is None:
            self.stdout.write("Building the demo operation from five agencies' lists…")
            started = time.monotonic()
            operation = scenario.build_demo(stdout=self.stdout)
            self.stdout.write(f"Built in {time.monotonic() - started:.1f} s; files in "
                              f"{scenario.demo_dir()}.")
        else:
            operation = scenario.build_demo()
            self.stdout.write("The demo operation is already loaded; nothing changed.")
        self._summary(operation)
        self._logins(f"http://{options['host']}:{options['port']}/")

    def _summary(self, operation) -> None:
        targets = operation.targets.listed()
        base = {s: targets.filter(on_baseline=True, status=s).count() for s in TargetStatus}
        every = {s: targets.filter(status=s).count() for s in TargetStatus}
        added = targets.filter(on_baseline=False).count()
        # The same two scopes the dashboard shows: the report's baseline list, and everyone.
        self.stdout.write(
            f"\n{operation.name} ({operation.area}, since {operation.start_date:%Y-%m-%d}): "
            f"{targets.filter(on_baseline=True).count()} children on the baseline list, "
            f"{added} added later.\n"
            f"  Baseline list (the results report): {base[TargetStatus.RECOVERED]} recovered, "
            f"{base[TargetStatus.LOCATED]} located, {base[TargetStatus.OUTSTANDING]} outstanding."
            f"\n  Everyone on the list (the dashboard): {every[TargetStatus.RECOVERED]} recovered, "
            f"{every[TargetStatus.LOCATED]} located, {every[TargetStatus.OUTSTANDING]} outstanding."
        )

    def _logins(self, url: str) -> None:
        rows = scenario.logins()
        self.stdout.write(f"\nOpen {url} and sign in as any of these "
                          f"(password for all: {scenario.PASSWORD}):\n")
        header = ("username", "role", "agency", "language")
        widths = [max(len(h), *(len(r[h]) for r in rows)) for h in header]
        line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
        self.stdout.write("  " + line)
        self.stdout.write("  " + "  ".join("-" * w for w in widths))
        for row in rows:
            self.stdout.write("  " + "  ".join(
                row[h].ljust(w) for h, w in zip(header, widths, strict=True)))
        self.stdout.write("\nAll data is synthetic: no real child, family or case.")
