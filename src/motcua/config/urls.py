from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from motcua.accounts import AdminLoginForm, LoginView, admin_login
from motcua.api import api, unknown_path
from motcua.oversight.views import landing

# The admin's log-in runs under the same limiter and lockout policy as the staff log-in page.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/", unknown_path),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("motcua.documents.urls")),
    path("desk/", include("motcua.desk.urls")),
    path("planning/", include("motcua.monitoring.urls")),
    path("", include("motcua.payments.urls")),  # /fees/ (the counter's report), /pay/callback/
    path("tickets/", include("motcua.tickets.urls")),
    path("oversight/", include("motcua.oversight.urls")),
    path("start/", landing, name="landing"),
    path("my/", include("motcua.citizens.urls")),
    path("notifications/", include("motcua.notifications.urls")),
    path("feedback/", include("motcua.feedback.urls")),
    path("", include("motcua.portal.urls")),
]
if settings.DEMO_IDENTITY_PROVIDER:  # the demo's local OpenID provider, while no real one is configured
    urlpatterns.insert(0, path("demo-idp/", include("motcua.demo.provider_urls")))
if settings.DEMO_PAYMENT_GATEWAY:  # the demo's payment gateway, while no real one is configured
    from motcua.payments.demo import pay_page

    urlpatterns.insert(0, path("demo-pay/", pay_page, name="demo_gateway"))
