from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("track/", views.track, name="track"),
    path("procedures/<str:code>/", views.procedure_page, name="procedure"),
    path("healthz", views.health, name="health"),
    path("transparency/", views.transparency, name="transparency"),
    path("transparency/<str:name>", views.checkpoint_file, name="checkpoint_file"),
]
