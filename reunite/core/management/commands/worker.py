"""`reunite worker`: run background jobs (large imports) from the database queue.

The django-tasks database worker (`db_worker`) under Reunite's name, with two differences: it
never reloads on code changes (a reload would kill an import half-way), and on start it marks
as failed the jobs a previous worker left running when it died, so they can be run again.
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from reunite.intake.jobs import fail_abandoned_jobs


class Command(DatabaseWorker):
    help = "Run background jobs (large imports) from the database queue until stopped."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(self, *args, **options):
        failed = fail_abandoned_jobs()
        if failed:
            self.stderr.write(f"{failed} job(s) left running by a stopped worker marked failed.")
        return super().handle(*args, **options)
