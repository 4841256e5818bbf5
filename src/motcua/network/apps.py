from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "motcua.network"
    verbose_name = _("Service network")

    def ready(self) -> None:
        from .reference import connect_signals

        connect_signals()
