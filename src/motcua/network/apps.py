from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "motcua.network"
    verbose_name = "Mạng lưới phục vụ / Service network"

    def ready(self) -> None:
        from .reference import connect_signals

        connect_signals()
