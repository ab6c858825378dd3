"""`reunite serve`: the production WSGI server (gunicorn), not Django's development server.

Never in debug mode (the `reunite` script switches DEBUG off before the settings load, and this
command refuses to run with it on). Worker processes with threads (gthread): requests spend most of
their time waiting on the database, and threads share one process's memory; each thread keeps its
own database connection for DB_CONN_MAX_AGE seconds (60 by default here). Gunicorn's control socket
is off unless --control-socket names a path for this instance.
"""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, application, options):
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


class Command(BaseCommand):
    help = "Serve Reunite with gunicorn on the configured database (never in debug mode)."

    def add_arguments(self, parser):
        cores = os.cpu_count() or 1
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=max(2, min(cores, 4)),
                            help="Worker processes (default: the cores, 2 to 4)")
        parser.add_argument("--threads", type=int, default=4,
                            help="Threads per worker (default 4)")
        parser.add_argument("--control-socket", default="",
                            help="Path of gunicorn's control socket for this instance "
                            "(default: none)")

    def handle(self, *args, **options):
        from django.conf import settings

        if settings.DEBUG:
            raise CommandError(
                "`reunite serve` never runs with DEBUG on: it would show tracebacks to anyone. "
                "For development use `reunite runserver`."
            )
        # WhiteNoise serves the collected, compressed copies.
        call_command("collectstatic", interactive=False, verbosity=0)
        from reunite.wsgi import application

        self.stdout.write(f"Serving Reunite on http://{options['host']}:{options['port']}/")
        config = {
            "bind": f"{options['host']}:{options['port']}",
            "workers": options["workers"],
            "worker_class": "gthread",
            "threads": options["threads"],
            "accesslog": "-",
            "timeout": 120,
        }
        if options["control_socket"]:
            config["control_socket"] = options["control_socket"]
        else:
            config["control_socket_disable"] = True
        _Server(application, config).run()
