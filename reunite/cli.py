"""The `reunite` console script: every Django management command, under one name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reunite.settings")
    if sys.argv[1:2] == ["serve"]:
        # The production server never shows a debug page, whatever the environment says;
        # development is `reunite runserver`. Threads keep their database connection a while.
        os.environ["DEBUG"] = "0"
        os.environ.setdefault("DB_CONN_MAX_AGE", "60")
        # Audit events of reads are sealed into the chain in batches, not one per request.
        os.environ.setdefault("REUNITE_AUDIT_SEAL_INTERVAL_MS", "200")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["reunite", *sys.argv[1:]])


if __name__ == "__main__":
    main()
