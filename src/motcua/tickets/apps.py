from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "motcua.tickets"
    verbose_name = "Số thứ tự / Queue tickets"
