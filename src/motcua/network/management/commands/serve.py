import multiprocessing

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve motcua with gunicorn (static files through whitenoise)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=min(4, 2 * multiprocessing.cpu_count()))
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, **options) -> None:
        from gunicorn.app.base import BaseApplication

        from motcua.config.wsgi import application

        class Server(BaseApplication):
            def load_config(self) -> None:
                self.cfg.set("bind", options["bind"])
                self.cfg.set("workers", options["workers"])
                self.cfg.set("threads", options["threads"])
                self.cfg.set("accesslog", "-")
                self.cfg.set("graceful_timeout", 5)

            def load(self):
                return application

        self.stdout.write(f"motcua: http://{options['bind']}/  (Ctrl-C để dừng / to stop)")
        Server().run()
