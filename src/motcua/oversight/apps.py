from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "motcua.oversight"
    verbose_name = "Giám sát, đánh giá, trách nhiệm giải trình / Monitoring, evaluation, accountability"
