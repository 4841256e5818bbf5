from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("fees/", views.report, name="report"),  # fees collected at the counter, per unit and day
    path("pay/callback/", views.callback, name="callback"),  # the payment gateway's signed callback
]
