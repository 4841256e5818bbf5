import multiprocessing
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve motcua with gunicorn (static files through whitenoise), the background worker and the watch."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=min(4, 2 * multiprocessing.cpu_count()))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background worker and the overdue watch beside the web server",
        )

    def handle(self, *args, **options) -> None:
        from gunicorn.app.base import BaseApplication

        application = prepared_application()
        hide_server_banner()

        class Server(BaseApplication):
            def load_config(self) -> None:
                self.cfg.set("bind", options["bind"])
                self.cfg.set("workers", options["workers"])
                self.cfg.set("threads", options["threads"])
                self.cfg.set("accesslog", "-")
                self.cfg.set("graceful_timeout", 5)

            def load(self):
                return application

        helpers = [] if options["no_worker"] else _start_helpers()
        self.stdout.write(f"motcua: http://{options['bind']}/  (Ctrl-C để dừng / to stop)")
        try:
            Server().run()
        finally:
            for helper in helpers:
                helper.terminate()
                helper.wait(timeout=10)


def prepared_application():
    """The WSGI application, built after the static files are collected: whitenoise indexes
    STATIC_ROOT once, when the application is built, so a fresh MOTCUA_HOME served nothing under
    /static/ until the next start if the two ran the other way round."""
    call_command("collectstatic", interactive=False, verbosity=0)
    from motcua.config.wsgi import application

    return application


def hide_server_banner() -> None:
    """gunicorn writes `Server: gunicorn` on every answer and has no setting to leave it out; its
    header lines are filtered here (tests/network/test_serve.py runs the real server to pin it)."""
    from gunicorn.http import wsgi

    if getattr(wsgi.Response.default_headers, "motcua_filtered", False):
        return
    original = wsgi.Response.default_headers

    def default_headers(self) -> list[str]:
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers.motcua_filtered = True  # type: ignore[attr-defined]
    wsgi.Response.default_headers = default_headers


def _start_helpers() -> list[subprocess.Popen]:
    motcua = [sys.executable, "-m", "motcua.cli"]
    return [
        # planning runs and the demo history
        subprocess.Popen([*motcua, "db_worker", "--queue-name", "*", "--no-reload", "-v", "0"]),
        # the overdue watch: marks due-soon and late dossiers every 5 minutes
        subprocess.Popen([*motcua, "tick", "--every", "300"], stdout=subprocess.DEVNULL),
        # the applicants' notifications: follow the event log, send with retries
        subprocess.Popen([*motcua, "notify", "--every", "30"], stdout=subprocess.DEVNULL),
        # the monitoring aggregates: fold new events, so the dashboard never folds a backlog itself
        subprocess.Popen([*motcua, "follow-stats", "--every", "30"], stdout=subprocess.DEVNULL),
    ]
