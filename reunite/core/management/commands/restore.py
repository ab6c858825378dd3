from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from reunite.core import backup
from reunite.core.errors import DomainError


class Command(BaseCommand):
    help = ("Restore a backup made by `reunite backup` into an EMPTY data directory (and empty "
            "database); refuses to overwrite anything. Verifies the audit log afterwards.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            manifest = backup.restore(Path(options["file"]))
        except DomainError as error:
            raise CommandError(error.detail) from None
        self.stdout.write(f"Restored the backup of {manifest['created_at']} "
                          f"({manifest['media_files']} uploaded files).")
        out = StringIO()
        call_command("audit", "verify", stdout=out, stderr=self.stderr)
        self.stdout.write(out.getvalue().rstrip())
