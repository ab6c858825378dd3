from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from reunite.audit import log


class Command(BaseCommand):
    help = "Print an API token for a user (the user is created if missing)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user, created = get_user_model().objects.get_or_create(username=options["username"])
        if created:  # the user.create event is written by the account signals
            user.set_unusable_password()
            user.save()
        token, token_created = Token.objects.get_or_create(user=user)
        if token_created:
            log.record("token.create", user, changes={"username": user.username})
        self.stdout.write(token.key)
