import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reunite.core.errors import DomainError
from reunite.operations.services import get_operation
from reunite.reports.render import FORMATS
from reunite.reports.services import generate


class Command(BaseCommand):
    help = "The results report of an operation: JSON, Markdown, HTML or PDF."

    def add_arguments(self, parser):
        parser.add_argument("operation", help="the operation's id or slug")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument(
            "--public", action="store_true",
            help="aggregates only: no names, dates of birth, record ids or places below a county",
        )
        parser.add_argument("-o", "--output", type=Path, help="write to this file, not stdout")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE,
                            help="the language of the Markdown, HTML and PDF report")

    def handle(self, *args, **options):
        fmt, output = options["format"], options["output"]
        try:
            operation = get_operation(options["operation"])
            with translation.override(options["language"]):
                content = generate(operation, fmt=fmt, public=options["public"])
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.detail}") from None
        if output is not None:
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            output.write_bytes(data)
            self.stderr.write(f"Wrote {output} ({len(data):,} bytes)")
        elif isinstance(content, bytes):
            self._write_binary(content)
        else:
            self.stdout.write(content, ending="" if content.endswith("\n") else "\n")

    def _write_binary(self, data: bytes) -> None:
        stream = getattr(self.stdout, "_out", sys.stdout)
        if stream.isatty() or not hasattr(stream, "buffer"):
            raise CommandError("A PDF is binary: give -o FILE or redirect the output to a file.")
        stream.flush()
        stream.buffer.write(data)
        stream.buffer.flush()
