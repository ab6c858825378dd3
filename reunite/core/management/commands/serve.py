"""`reunite serve`: the production WSGI server (gunicorn), not Django's development server."""

import multiprocessing

from django.core.management import call_command
from django.core.management.base import BaseCommand
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
    help = "Serve Reunite with gunicorn on the configured database."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=min(4, multiprocessing.cpu_count() + 1))

    def handle(self, *args, **options):
        from django.conf import settings

        # In development WhiteNoise serves straight from the apps (WHITENOISE_USE_FINDERS); only
        # production needs the collected, compressed copies.
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        from reunite.wsgi import application

        self.stdout.write(f"Serving Reunite on http://{options['host']}:{options['port']}/")
        _Server(
            application,
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["workers"],
                "accesslog": "-",
                "timeout": 120,
            },
        ).run()
