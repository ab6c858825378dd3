from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reunite.core import backup
from reunite.core.errors import DomainError


class Command(BaseCommand):
    help = ("Write a consistent copy of the database and the uploaded files to FILE, while the "
            "server runs (SQLite's backup API or pg_dump). Restore with `reunite restore FILE`.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            manifest = backup.backup(Path(options["file"]))
        except DomainError as error:
            raise CommandError(error.detail) from None
        self.stdout.write(f"Backed up the {manifest['vendor']} database and "
                          f"{manifest['media_files']} uploaded files to {options['file']}.")
