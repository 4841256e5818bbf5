from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("desk/dossiers/<str:code>/documents/", views.dossier_documents, name="dossier"),
    path("desk/documents/<str:public_id>/", views.download, name="download"),
    path("desk/store/", views.store, name="store"),
    path("desk/log-book/", views.log_book, name="log_book"),
    path("verify/", views.verify, name="verify_upload"),
    path("verify/<str:public_id>", views.verify, name="verify"),
    path("track/results/<str:public_id>/", views.applicant_download, name="applicant_download"),
    path("track/papers/", views.applicant_attach, name="applicant_attach"),
]
