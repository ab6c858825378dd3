from django.core.management.base import BaseCommand, CommandError

from reunite.accounts import services
from reunite.core.errors import DomainError


class Command(BaseCommand):
    help = "Release an account locked after too many failed sign-ins (audited)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        username = options["username"]
        try:
            services.get_user(username)
        except DomainError as error:
            raise CommandError(error.detail) from error
        if services.release_lockout(username):
            self.stdout.write(f"Released {username}: they can sign in again.")
        else:
            self.stdout.write(f"{username} was not locked; failed attempts were cleared.")
