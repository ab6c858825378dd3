from django.core.management.base import BaseCommand, CommandError

from reunite.audit import log


class Command(BaseCommand):
    help = "Audit log tools. `reunite audit verify` checks that no event was edited or deleted."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        from reunite.audit.models import AuditEvent

        problems = log.verify_chain()
        log.record("audit.verify", detail=f"{len(problems)} problems",
                   outcome="success" if not problems else "failure")
        if problems:
            for problem in problems:
                self.stderr.write(f"TAMPERED: {problem.reason}")
            raise CommandError(f"The audit log fails verification: {len(problems)} problem(s).")
        self.stdout.write(f"The audit log is intact: {AuditEvent.objects.count()} events chained.")
