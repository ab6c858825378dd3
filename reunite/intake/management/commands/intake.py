import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reunite.agencies.services import get_agency
from reunite.core.errors import DomainError
from reunite.core.progress import ProgressBars
from reunite.intake.jobs import job_json, queue_intake
from reunite.intake.readers import FORMATS
from reunite.intake.services import run_intake
from reunite.operations.services import get_operation


class Command(BaseCommand):
    help = "Import an agency's list of missing children into an operation (CSV, XLSX or PFIF)."

    def add_arguments(self, parser):
        parser.add_argument("operation", help="the operation's id or slug")
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="code of the agency that sent it")
        parser.add_argument("--format", choices=FORMATS, help="default: from the file name")
        parser.add_argument("--json", action="store_true", help="print only the JSON summary")
        parser.add_argument(
            "--background", action="store_true",
            help="queue the import for `reunite worker` and print the job (its id to follow it "
                 "in the API: /api/v1/intake-jobs/ID) instead of importing now",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if options["background"]:
            return self._queue(path, options)
        bars = ProgressBars(enabled=True)
        try:
            batch = run_intake(
                get_operation(options["operation"]),
                get_agency(options["source"], "source"),
                path.read_bytes(),
                file_name=path.name,
                fmt=options["format"],
                progress=bars,
            )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.detail}") from None
        finally:
            bars.close()
        summary = batch.summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary))
            return
        self.stdout.write(
            f"{path.name}: {batch.rows} rows — {batch.new_children} new children, "
            f"{batch.matched} matched to known children, {batch.unchanged} unchanged, "
            f"{batch.review} pairs to review, {len(batch.rejected)} rejected"
        )
        for reject in batch.rejected:
            self.stdout.write(
                f"  row {reject['row']} ({reject['record_id'] or 'no id'}): "
                f"{reject['field']}: {reject['reason']}"
            )

    def _queue(self, path: Path, options) -> None:
        try:
            job = queue_intake(
                get_operation(options["operation"]), get_agency(options["source"], "source"),
                path.read_bytes(), file_name=path.name, fmt=options["format"],
            )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.detail}") from None
        if options["json"]:
            # The contract's keys, not known until the job is done, and the job to follow.
            self.stdout.write(json.dumps({"rows": job.rows, "new_children": None, "matched": None,
                                          "review": None, "rejected": None,
                                          "job": job_json(job)}))
            return
        self.stdout.write(f"{path.name}: about {job.rows} rows queued as job {job.pk}; "
                          "`reunite worker` imports it.")
