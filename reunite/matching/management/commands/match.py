"""reunite match QUERY.csv DATASET.csv --out MATCHES.csv [--engine duckdb|spark]"""

from django.core.management.base import BaseCommand, CommandParser

from reunite.linkage import ENGINES
from reunite.linkage.cli import run_match


class Command(BaseCommand):
    help = (
        "Link a list of children (intake format) against any dataset in the same format and "
        "write query_id,dataset_id,match_probability,decision (match or review)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", help="CSV of children to look for (record_id per row)")
        parser.add_argument("dataset", help="CSV dataset in the intake format")
        parser.add_argument("--out", required=True, help="where to write MATCHES.csv")
        parser.add_argument("--engine", choices=ENGINES, default="duckdb")

    def handle(self, *args: object, **options: object) -> None:
        rows = run_match(str(options["query"]), str(options["dataset"]), str(options["out"]),
                         engine=str(options["engine"]), progress=True)
        self.stderr.write(f"{rows} pairs written to {options['out']}")
