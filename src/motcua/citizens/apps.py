from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "motcua.citizens"
    verbose_name = "Công dân, doanh nghiệp / People and businesses"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .session import end_citizen_session_on_staff_login

        user_logged_in.connect(end_citizen_session_on_staff_login, dispatch_uid="citizens_staff_login")
