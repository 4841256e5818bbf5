from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "motcua.oversight"
    verbose_name = "Giám sát, đánh giá, trách nhiệm giải trình / Monitoring, evaluation, accountability"

    def ready(self) -> None:
        from . import portal_sync  # noqa: F401 - registers the "dossiers synced" measure
