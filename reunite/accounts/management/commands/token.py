from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from reunite.accounts.services import issue_token


class Command(BaseCommand):
    help = ("Print an API token for a user (the user is created if missing). Tokens expire after "
            "REUNITE_TOKEN_TTL_HOURS; --rotate replaces the current one at once.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true",
                            help="Replace the user's token with a new one")

    def handle(self, *args, **options):
        user, created = get_user_model().objects.get_or_create(username=options["username"])
        if created:  # the user.create event is written by the account signals
            user.set_unusable_password()
            user.save()
        self.stdout.write(issue_token(user, rotate=options["rotate"]).key)
