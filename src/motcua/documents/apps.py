from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    label = "documents"
    verbose_name = "Hồ sơ điện tử / Electronic documents"

    def ready(self) -> None:
        from . import measures

        measures.register()  # Index 766's digitization group, from the stored documents
