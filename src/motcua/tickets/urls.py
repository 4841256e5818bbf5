from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.index, name="index"),
    path("counters/<int:counter_id>/", views.counter, name="counter"),
    path("<str:unit_code>/kiosk/", views.kiosk, name="kiosk"),
    path("<str:unit_code>/kiosk/<int:ticket_id>/", views.ticket_page, name="ticket"),
    path("<str:unit_code>/kiosk/<int:ticket_id>.pdf", views.ticket_pdf, name="ticket_pdf"),
    path("<str:unit_code>/board/", views.board, name="board"),
    path("<str:unit_code>/board/live/", views.board_live, name="board_live"),
    path("<str:unit_code>/board/calls/<int:call_id>.wav", views.call_audio, name="call_audio"),
]
