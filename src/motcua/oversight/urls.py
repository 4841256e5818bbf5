from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dossiers/<str:name>/", views.dossiers, name="dossiers"),
    path("export/<str:key>.<str:fmt>", views.export, name="export"),
    path("report.xlsx", views.report, name="report"),
]
