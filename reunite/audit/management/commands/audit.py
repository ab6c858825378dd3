from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from reunite.audit import log


class Command(BaseCommand):
    help = (
        "Audit log tools. `reunite audit verify` seals the events just written, then walks the "
        "hash chain in one consistent snapshot and names any event that was edited, deleted or cut "
        "from the end; events written moments ago and not yet sealed are counted as waiting. "
        "`reunite audit seal` only seals. Events are kept at least "
        f"{settings.REUNITE_AUDIT_RETENTION_DAYS} days; Reunite never deletes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "seal"])

    def handle(self, *args, **options):
        try:
            if options["action"] == "seal":
                sealed = log.seal()
                self.stdout.write(f"Sealed {sealed} events.")
                return
            self._verify()
        except DatabaseError as error:
            # A damaged database file (a copy taken mid-write, a bad disk) is reported, not a crash.
            raise CommandError(
                f"The database cannot be read ({error}). It may be damaged: check the disk, and "
                "restore from a backup (`reunite restore FILE`)."
            ) from None

    def _verify(self):
        damage = _sqlite_damage()
        if damage:
            for line in damage:
                self.stderr.write(f"DAMAGED: {line}")
            raise CommandError("The database file is damaged: restore from a backup.")
        result = log.verify()
        log.record("audit.verify", detail=f"{len(result.problems)} problems",
                   outcome="success" if not result.problems else "failure")
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"TAMPERED: {problem.reason}")
            raise CommandError(
                f"The audit log fails verification: {len(result.problems)} problem(s)."
            )
        self.stdout.write(f"The audit log is intact: {result.sealed} events chained.")
        if result.waiting:
            self.stdout.write(
                f"{result.waiting} events written moments ago are waiting to be sealed "
                "(not a problem; the next seal takes them)."
            )
        # Kept somewhere else (a ticket, a printout), this hash also catches a rewritten chain.
        self.stdout.write(f"Chain head: event {result.last_id}, hash {result.last_hash}")


def _sqlite_damage() -> list[str]:
    """SQLite's own check of the file's structure (quick: pages and indexes, not every row)."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA quick_check")
        lines = [row[0] for row in cursor.fetchall()]
    return [] if lines == ["ok"] else lines
