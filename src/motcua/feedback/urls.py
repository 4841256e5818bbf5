from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.answers, name="answers"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("rate/", views.rate_by_tracking, name="rate_by_tracking"),
    path("tablet/<str:code>/", views.tablet, name="tablet"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:feedback_id>/answer/", views.answer, name="answer"),
]
