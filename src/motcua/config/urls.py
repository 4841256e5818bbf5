from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from motcua.accounts import LoginView
from motcua.api import api, unknown_path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/", unknown_path),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("desk/", include("motcua.desk.urls")),
    path("planning/", include("motcua.monitoring.urls")),
    path("my/", include("motcua.citizens.urls")),
    path("notifications/", include("motcua.notifications.urls")),
    path("feedback/", include("motcua.feedback.urls")),
    path("pay/", include("motcua.payments.urls")),
    path("", include("motcua.portal.urls")),
]
if settings.DEMO_IDENTITY_PROVIDER:  # the demo's local OpenID provider, while no real one is configured
    urlpatterns.insert(0, path("demo-idp/", include("motcua.demo.provider_urls")))
if settings.DEMO_PAYMENT_GATEWAY:  # the demo's payment gateway, while no real one is configured
    from motcua.payments.demo import pay_page

    urlpatterns.insert(0, path("demo-pay/", pay_page, name="demo_gateway"))
