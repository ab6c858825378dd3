from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reunite.core.errors import DomainError
from reunite.documents.poster import render_poster
from reunite.operations.models import Target


class Command(BaseCommand):
    help = "A one-page bilingual missing-child poster (PDF); refused for a child already found."

    def add_arguments(self, parser):
        parser.add_argument("target", help="the child's id on a list (as the API gives it)")
        parser.add_argument("-o", "--output", type=Path, required=True, help="PDF file to write")

    def handle(self, *args, **options):
        target = (Target.objects.listed().select_related("child", "operation")
                  .filter(pk=int(options["target"]) if options["target"].isdigit() else -1)
                  .first())
        if target is None:
            raise CommandError(f"unknown_target: no child on a list has the id "
                               f"'{options['target']}'.")
        try:
            pdf = render_poster(target)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.detail}") from None
        options["output"].write_bytes(pdf)
        self.stderr.write(f"Poster of child {target.pk} written to {options['output']}")
