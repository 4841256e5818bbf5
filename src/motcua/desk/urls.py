from django.urls import path

from . import assisted, views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("intake/", views.intake, name="intake"),
    path("intake/checklist/", views.checklist, name="checklist"),
    path("supplement/", views.supplement_brought, name="supplement_brought"),
    path("assisted/", assisted.home, name="assisted"),
    path("assisted/new/<str:code>/", assisted.new, name="assisted_new"),
    path("assisted/<int:filing_id>/", assisted.pending, name="assisted_filing"),
    path("assisted/<int:filing_id>/tablet/", assisted.tablet, name="assisted_tablet"),
    path("post/", views.post_desk, name="post"),
    path("post/send/", views.hand_to_post, name="hand_to_post"),
    path("post/outcome/", views.post_outcome, name="post_outcome"),
    path("dossiers/<str:code>/", views.dossier_page, name="dossier"),
    path("dossiers/<str:code>/receipt/", views.receipt, name="receipt"),
    path("dossiers/<str:code>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("dossiers/<str:code>/apology-<int:number>.pdf", views.apology_pdf, name="apology_pdf"),
    path("dossiers/<str:code>/control-slip.pdf", views.control_slip_pdf, name="control_slip_pdf"),
    path("dossiers/<str:code>/fee-<int:number>.pdf", views.fee_receipt_pdf, name="fee_receipt_pdf"),
    path("dossiers/<str:code>/actions/<str:action>/", views.act, name="act"),
]
