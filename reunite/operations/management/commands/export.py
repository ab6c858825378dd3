from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reunite.core.errors import DomainError
from reunite.intake.exporters import EXPORT_FORMATS, export_operation
from reunite.operations.models import Target
from reunite.operations.services import get_operation


class Command(BaseCommand):
    help = "Export an operation's list: CSV or XLSX in the intake format, or PFIF 1.4 XML."

    def add_arguments(self, parser):
        parser.add_argument("operation", help="the operation's id or slug")
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    def handle(self, *args, **options):
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError("An XLSX export is a binary file: give -o FILE.xlsx.")
        try:
            operation = get_operation(options["operation"])
            export = export_operation(operation, Target.objects.listed(), options["format"])
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.detail}") from None
        if options["output"]:
            options["output"].write_bytes(export.content)
            self.stderr.write(f"{export.rows} children written to {options['output']}")
        else:
            self.stdout.write(export.content.decode("utf-8"), ending="")
