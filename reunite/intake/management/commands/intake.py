import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reunite.agencies.services import get_agency
from reunite.core.errors import DomainError
from reunite.core.progress import ProgressBars
from reunite.core.uploads import check_upload
from reunite.intake.dates import ORDERS
from reunite.intake.jobs import job_json, queue_intake
from reunite.intake.readers import FORMATS
from reunite.intake.services import run_intake
from reunite.operations.services import get_operation

HELP = """Import an agency's list of missing children into an operation (CSV, XLSX or PFIF).

CSV: the encoding (UTF-8, Windows-1252, Latin-1) and separator (, ; tab |) are detected.
XLSX: the first sheet with a header row is read (a cover page before it is fine), or --sheet.
Headers in English or Spanish (nombre, apellido paterno, fecha_nacimiento, sexo, folio, mke…) are
recognised; the import reports which column went to which field and which were only kept.
Dates are never guessed: day-first or month-first is decided for the whole file from its values,
or by --date-order when every date reads both ways. A row is rejected only for no record id, no
name, or a value that cannot be read; anything else odd is a warning.
Run with --dry-run first to see what would be stored, without writing anything."""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        return super().create_parser(prog_name, subcommand,
                                     formatter_class=RawDescriptionHelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("operation", help="the operation's id or slug")
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="code of the agency that sent it")
        parser.add_argument("--format", choices=FORMATS, help="default: from the file name")
        parser.add_argument("--json", action="store_true", help="print only the JSON summary")
        parser.add_argument("--dry-run", action="store_true",
                            help="read and check the file, print what would be stored, "
                                 "write nothing")
        parser.add_argument("--date-order", choices=ORDERS,
                            help="dmy (DD/MM/YYYY) or mdy (MM/DD/YYYY), for a file whose dates "
                                 "all read both ways")
        parser.add_argument("--sheet", help="the workbook sheet to read (default: the first "
                                            "with a header row)")
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
        bars = ProgressBars(enabled=True, plain=options["json"])  # --json: no escape codes
        try:
            with path.open("rb") as handle:  # the same checks as an upload from the page or API
                check_upload(handle, options["format"])
            batch = run_intake(
                get_operation(options["operation"]),
                get_agency(options["source"], "source"),
                path.read_bytes(),
                file_name=path.name,
                fmt=options["format"],
                progress=bars,
                read_seconds=settings.REUNITE_INTAKE_JOB_READ_SECONDS,
                dry_run=options["dry_run"],
                date_order=options["date_order"],
                sheet=options["sheet"],
            )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.detail}") from None
        finally:
            bars.close()
        if options["dry_run"]:
            self._preview(path, batch, options["json"])
            return
        if options["json"]:
            self.stdout.write(json.dumps(batch.report(), ensure_ascii=False))
            return
        self._reading(batch)
        self.stdout.write(
            f"{path.name}: {batch.rows} rows — {batch.new_children} new children, "
            f"{batch.matched} matched to known children, {batch.unchanged} unchanged, "
            f"{batch.review} pairs to review, {len(batch.warnings)} warnings, "
            f"{len(batch.rejected)} rejected"
        )
        if batch.notes:
            self.stdout.write(
                f"  PFIF notes: {batch.notes['added']} put on timelines "
                f"({batch.notes['leads']} of them leads), {batch.notes['unchanged']} already there"
            )
        self._problems(batch)

    def _preview(self, path: Path, batch, as_json: bool) -> None:
        accepted = getattr(batch, "accepted", batch.rows - len(batch.rejected))
        if as_json:
            report = {
                "dry_run": True, "rows": batch.rows, "accepted": accepted,
                "rejected": batch.rejected, "warnings": batch.warnings,
                "columns": batch.reading.get("columns", {}),
                "detected": batch.reading.get("detected", {}),
                "preview": batch.preview,
                "already_imported": getattr(batch, "already_imported", False),
            }
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        self.stdout.write(f"Dry run: nothing was written. {path.name}: {batch.rows} rows, "
                          f"{accepted} would go in, {len(batch.rejected)} rejected.")
        if getattr(batch, "already_imported", False):
            self.stdout.write("This file was imported before: importing it again changes "
                              "nothing.")
        self._reading(batch)
        if batch.preview:
            self.stdout.write(f"The first {len(batch.preview)} rows as they would be stored:")
        for record in batch.preview:
            shown = {k: v for k, v in record.items() if v not in ("", [], None) and k != "row"}
            self.stdout.write(f"  row {record['row']}: "
                              + "; ".join(f"{k}={_shown(v)}" for k, v in shown.items()))
        self._problems(batch)

    def _reading(self, batch) -> None:
        detected = batch.reading.get("detected", {})
        columns = batch.reading.get("columns", {})
        if not detected:
            return
        said = [f"format {detected.get('format')}"]
        for key in ("encoding", "separator", "sheet", "header_row"):
            if detected.get(key):
                said.append(f"{key.replace('_', ' ')} {detected[key]}")
        if detected.get("record_id_from"):
            said.append(f"record_id from the column {detected['record_id_from']} (NCIC number)")
        order = detected.get("date_order") or {}
        if order.get("order"):
            proof = order.get("proof_rows") or []
            named = {"dmy": "day-first (DD/MM/YYYY)", "mdy": "month-first (MM/DD/YYYY)"}
            said.append(f"dates {named[order['order']]}, {order.get('source')}"
                        + (f" (rows {', '.join(map(str, proof))})" if proof else ""))
        if detected.get("sex_codes"):
            sex = detected["sex_codes"]
            said.append(f"sex column '{sex['column']}': {sex['read_as']}")
        self.stdout.write("Read as: " + "; ".join(said))
        mapped = columns.get("mapped") or {}
        if mapped:
            self.stdout.write("Columns: " + ", ".join(f"{h} → {f}" for h, f in mapped.items()))
        if columns.get("ignored"):
            self.stdout.write("Kept in the source record only: "
                              + ", ".join(columns["ignored"]))

    def _problems(self, batch) -> None:
        for kind, problems in (("warning", batch.warnings), ("rejected", batch.rejected)):
            for problem in problems:
                self.stdout.write(
                    f"  {kind}: row {problem['row']} ({problem['record_id'] or 'no id'}): "
                    f"{problem['field']}: {problem['reason']}"
                )

    def _queue(self, path: Path, options) -> None:
        try:
            job = queue_intake(
                get_operation(options["operation"]), get_agency(options["source"], "source"),
                path.read_bytes(), file_name=path.name, fmt=options["format"],
                options={"date_order": options["date_order"], "sheet": options["sheet"]},
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


def _shown(value) -> str:
    return ";".join(value) if isinstance(value, list) else str(value)
