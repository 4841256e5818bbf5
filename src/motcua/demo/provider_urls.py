"""The demo provider's endpoints (mounted at /demo-idp/ while no real provider is configured); the
names are django-oauth-toolkit's, which its discovery document reverses."""

from django.urls import path, re_path
from oauth2_provider import views

from . import provider

app_name = "oauth2_provider"
urlpatterns = [
    path("login/", provider.login, name="demo-login"),
    path("authorize/", provider.DemoAuthorizationView.as_view(), name="authorize"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("userinfo/", views.UserInfoView.as_view(), name="user-info"),
    path(".well-known/jwks.json", views.JwksInfoView.as_view(), name="jwks-info"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
]
