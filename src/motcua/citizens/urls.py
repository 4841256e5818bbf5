from django.urls import path

from . import filing_views, oidc, views

app_name = "citizens"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/start/", oidc.CitizenLoginStart.as_view(), name="login_start"),
    path("login/failed/", views.login_failed, name="login_failed"),
    path("logout/", views.logout, name="logout"),
    path("oidc/callback/", oidc.CitizenCallback.as_view(), name="oidc_callback"),
    path("dossiers/<str:code>/", views.dossier, name="dossier"),
    path("dossiers/<str:code>/withdraw/", views.withdraw, name="withdraw"),
    path("dossiers/<str:code>/notifications/", views.consent, name="consent"),
    path("dossiers/<str:code>/rate/", views.rate, name="rate"),
    path("dossiers/<str:code>/pay/", views.pay, name="pay"),
    path("dossiers/<str:code>/supplement/", views.answer_supplement, name="answer_supplement"),
    path("file/", filing_views.choose, name="choose"),
    path("file/<str:code>/", filing_views.procedure, name="file"),
    path("drafts/<int:draft_id>/", filing_views.draft, name="draft"),
]
