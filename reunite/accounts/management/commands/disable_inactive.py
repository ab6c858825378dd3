from django.core.management.base import BaseCommand

from reunite.accounts import services


class Command(BaseCommand):
    help = (
        "Disable accounts with no sign-in and no recorded action for 90 days "
        "(CJIS Security Policy). Each one is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=services.INACTIVE_DAYS)
        parser.add_argument("--dry-run", action="store_true", help="List, do not disable.")

    def handle(self, *args, **options):
        days = options["days"]
        if options["dry_run"]:
            users = list(services.inactive_accounts(days))
            verb = "Would disable"
        else:
            users = services.disable_inactive_accounts(days)
            verb = "Disabled"
        for user in users:
            self.stdout.write(f"{verb} {user.username} (last sign-in {user.last_login or 'never'})")
        self.stdout.write(f"{verb} {len(users)} account(s) inactive for {days} days.")
